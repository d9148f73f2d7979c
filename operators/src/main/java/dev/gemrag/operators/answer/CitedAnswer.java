package dev.gemrag.operators.answer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes an answer's citations true to its prompt: markers such as {@code [2]} or {@code [1, 3]}
 * that name a source in the prompt are renumbered 1, 2, ... in the order the answer first cites
 * them; markers naming no source in the prompt are removed. When the model cited nothing (small
 * models often forget the markers), the best-ranked source that shares at least {@link
 * #MIN_SHARED_WORDS} words (4+ letters) with the answer is cited at its end; rank first, because a
 * 135M model's wording drifts from its sources (measured on eval-answers: most-shared-words cited
 * the gold page 3/10, best-ranked-sharing 6/10).
 *
 * @param text the answer with renumbered markers
 * @param cited the cited documents, in their new numbering (element i is [i + 1])
 */
public record CitedAnswer(String text, List<PromptDocument> cited) {
    private static final Pattern MARKER =
            Pattern.compile("\\s*\\[(\\d{1,3}(?:\\s*,\\s*\\d{1,3})*)\\]");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}_-]{4,}");

    /** Words shared with a source before an unmarked answer is attributed to it. */
    static final int MIN_SHARED_WORDS = 3;

    public static CitedAnswer of(String answer, List<PromptDocument> documents) {
        Map<Integer, Integer> renumber = new LinkedHashMap<>(); // prompt number -> new number
        Matcher m = MARKER.matcher(answer);
        StringBuilder out = new StringBuilder();
        String lastMarker = null;
        int lastEnd = -1;
        while (m.find()) {
            StringBuilder marker = new StringBuilder();
            Set<Integer> seen = new HashSet<>();
            for (String n : m.group(1).split(",")) {
                int number = Integer.parseInt(n.strip());
                if (number < 1 || number > documents.size() || !seen.add(number)) {
                    continue;
                }
                int fresh = renumber.computeIfAbsent(number, k -> renumber.size() + 1);
                marker.append('[').append(fresh).append(']');
            }
            String replacement = marker.isEmpty() ? "" : " " + marker;
            // "[1] [1]" in a row says the same thing twice
            if (replacement.equals(lastMarker) && lastEnd == m.start()) {
                replacement = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
            if (!replacement.isEmpty()) {
                lastMarker = replacement;
            }
            lastEnd = m.end();
        }
        m.appendTail(out);
        String text = out.toString().strip();
        List<PromptDocument> cited = new ArrayList<>();
        renumber.keySet().forEach(n -> cited.add(documents.get(n - 1)));
        if (cited.isEmpty()) {
            PromptDocument best = firstSharing(text, documents);
            if (best != null) {
                cited.add(best);
                text = text + " [1]";
            }
        }
        return new CitedAnswer(text, List.copyOf(cited));
    }

    /**
     * The first (best-ranked) document sharing at least {@link #MIN_SHARED_WORDS} distinct words
     * with the text.
     */
    static PromptDocument firstSharing(String text, List<PromptDocument> documents) {
        Set<String> words = words(text);
        for (PromptDocument d : documents) {
            StringBuilder all = new StringBuilder(d.title() == null ? "" : d.title());
            d.chunks().forEach(c -> all.append(' ').append(c.text()));
            Set<String> shared = words(all.toString());
            shared.retainAll(words);
            if (shared.size() >= MIN_SHARED_WORDS) {
                return d;
            }
        }
        return null;
    }

    private static Set<String> words(String s) {
        Set<String> out = new HashSet<>();
        Matcher m = WORD.matcher(s.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
