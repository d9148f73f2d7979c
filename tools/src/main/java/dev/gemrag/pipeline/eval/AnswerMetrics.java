package dev.gemrag.pipeline.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Answer-quality measures of {@code gemrag eval-answers}, on word tokens: lower case, split at
 * every character that is not a letter or digit (so "cp -r" is "cp", "r"; citation markers "[1]"
 * become "1").
 */
public final class AnswerMetrics {
    /** An answer loops when some word 4-gram occurs this many times. */
    public static final int LOOP_NGRAM = 4;

    public static final int LOOP_COUNT = 3;

    private AnswerMetrics() {}

    public static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        for (String t : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /** True when some word 4-gram occurs 3 or more times (overlapping occurrences count). */
    public static boolean loops(String answer) {
        List<String> t = tokens(answer);
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + LOOP_NGRAM <= t.size(); i++) {
            if (counts.merge(t.subList(i, i + LOOP_NGRAM), 1, Integer::sum) >= LOOP_COUNT) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQuAD-style token F1: harmonic mean of precision and recall of the shared tokens (a
     * multiset).
     */
    public static double tokenF1(String answer, String gold) {
        List<String> a = tokens(answer);
        List<String> g = tokens(gold);
        if (a.isEmpty() || g.isEmpty()) {
            return a.isEmpty() && g.isEmpty() ? 1 : 0;
        }
        Map<String, Integer> left = new HashMap<>();
        g.forEach(t -> left.merge(t, 1, Integer::sum));
        int shared = 0;
        for (String t : a) {
            Integer n = left.get(t);
            if (n != null && n > 0) {
                shared++;
                left.put(t, n - 1);
            }
        }
        if (shared == 0) {
            return 0;
        }
        double p = shared / (double) a.size();
        double r = shared / (double) g.size();
        return 2 * p * r / (p + r);
    }

    /** ROUGE-L F1: from the longest common subsequence of the two token sequences. */
    public static double rougeL(String answer, String gold) {
        List<String> a = tokens(answer);
        List<String> g = tokens(gold);
        if (a.isEmpty() || g.isEmpty()) {
            return 0;
        }
        int lcs = lcs(a, g);
        if (lcs == 0) {
            return 0;
        }
        double p = lcs / (double) a.size();
        double r = lcs / (double) g.size();
        return 2 * p * r / (p + r);
    }

    static int lcs(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                cur[j] =
                        a.get(i - 1).equals(b.get(j - 1))
                                ? prev[j - 1] + 1
                                : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }

    /**
     * Whether the answer names the gold page: its title occurs in the answer as a whole word,
     * ignoring case (for a man page the title is the command, e.g. "cp"; "names the command" in the
     * README's tables).
     */
    public static boolean names(String answer, String title) {
        if (title == null || title.isBlank()) {
            return false;
        }
        String t = java.util.regex.Pattern.quote(title.strip().toLowerCase(java.util.Locale.ROOT));
        return java.util.regex.Pattern.compile("(?<![\\p{L}\\p{N}_-])" + t + "(?![\\p{L}\\p{N}_-])")
                .matcher(answer.toLowerCase(java.util.Locale.ROOT))
                .find();
    }
}
