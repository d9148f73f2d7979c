package dev.gemrag.operators.answer;

import java.util.regex.Pattern;

/** Recognises an answer that says the sources do not contain the answer. */
public final class DontKnow {
    /** What the record says in that case (the model's own wording varies). */
    public static final String ANSWER = "The sources do not contain the answer.";

    private static final Pattern SAYS_SO =
            Pattern.compile(
                    "(?i)\\b(i do not know|i don't know|i do not have|i don't have|i cannot answer|i can't answer"
                            + "|(the )?sources? (do|does) not (contain|mention|say|provide|include)"
                            + "|(the )?sources? (don't|doesn't) (contain|mention|say|provide|include)"
                            + "|no information (about|on)|not (mentioned|provided) in the sources)\\b");

    private DontKnow() {}

    /** True when the answer opens (first sentence) by saying it does not know. */
    public static boolean says(String answer) {
        String s = answer.strip();
        int firstEnd = firstSentenceEnd(s);
        return SAYS_SO.matcher(firstEnd > 0 ? s.substring(0, firstEnd) : s).find();
    }

    private static int firstSentenceEnd(String s) {
        for (int i = 0; i + 1 < s.length(); i++) {
            char c = s.charAt(i);
            if ((c == '.' || c == '!' || c == '?') && Character.isWhitespace(s.charAt(i + 1))
                    || c == '\n') {
                return i + 1;
            }
        }
        return -1;
    }
}
