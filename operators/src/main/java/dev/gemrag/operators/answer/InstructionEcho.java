package dev.gemrag.operators.answer;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drops the sentences of an answer that repeat the grounding instruction instead of answering ("The
 * answer is: The source that answers the question in one or two short sentences, using only
 * numbered sources."): a 135M model often does that. A sentence is an echo when at least {@link
 * #MIN_WORDS} of its words (3+ letters) are there and at least {@link #SHARE} of them occur in the
 * instruction; an answer about the sources' subject shares few words with it (measured on
 * eval-answers, see the README).
 */
public final class InstructionEcho {
    static final int MIN_WORDS = 4;
    static final double SHARE = 0.7;
    private static final Pattern WORD = Pattern.compile("\\p{L}{3,}");

    /** A sentence ends at . ! ? (then whitespace or the end), a citation after one included. */
    private static final Pattern SENTENCE =
            Pattern.compile("(?s).+?(?:[.!?](?:\\s*\\[\\d+\\])*(?=\\s|$)|$)");

    private InstructionEcho() {}

    /** The answer without its echoed sentences (whitespace between the kept ones preserved). */
    public static String strip(String answer, String instruction) {
        Set<String> known = words(instruction);
        StringBuilder out = new StringBuilder();
        Matcher m = SENTENCE.matcher(answer);
        while (m.find()) {
            String sentence = m.group();
            if (!isEcho(sentence, known)) {
                out.append(sentence);
            }
        }
        return out.toString().strip();
    }

    static boolean isEcho(String sentence, Set<String> instructionWords) {
        int total = 0;
        int shared = 0;
        Matcher m = WORD.matcher(sentence.toLowerCase(Locale.ROOT));
        while (m.find()) {
            total++;
            if (instructionWords.contains(m.group())) {
                shared++;
            }
        }
        return total >= MIN_WORDS && shared >= SHARE * total;
    }

    static Set<String> words(String s) {
        Set<String> out = new HashSet<>();
        Matcher m = WORD.matcher(s.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
