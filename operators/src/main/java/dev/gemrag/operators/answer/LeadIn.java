package dev.gemrag.operators.answer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words that announce content instead of carrying it, which a small model often writes and then
 * does not follow up: a reply that ends "... using the following command:" with the command lost,
 * or one that opens "The answer is: tar." Shaping removes the announcement and keeps the rest.
 */
public final class LeadIn {
    /**
     * At the end of a reply: "using / with / by the following command:" after what it does, or a
     * short clause after a comma (", you can use:", ", run:"), up to the colon.
     */
    private static final Pattern ANNOUNCING_CLAUSE =
            Pattern.compile(
                    "(?:\\s+(?:by using|using|with|via|by running|by)\\s+the\\s+following"
                            + "(?:\\s+[\\w-]+){0,2}|,(?:\\s+[\\w'-]+){1,4})\\s*:$");

    /** At the start of a reply: "The answer is:" / "the answer to your question is" before text. */
    private static final Pattern ANSWER_IS =
            Pattern.compile(
                    "^(?i:the answer(?:\\s+to\\s+(?:this|your|the)\\s+(?:question|query))?\\s+is)"
                            + "\\s*:?\\s+(?=\\S)");

    private LeadIn() {}

    /**
     * A reply that is only an announcement, with nothing before it to fall back on: the announcing
     * clause goes and the sentence ends there ("you can copy directories using the following
     * command:" becomes "you can copy directories."). Unchanged when no clause is recognised.
     */
    public static String dropClause(String s) {
        Matcher m = ANNOUNCING_CLAUSE.matcher(s);
        if (!m.find()) {
            return s;
        }
        String kept = s.substring(0, m.start()).stripTrailing();
        return kept.isEmpty() ? kept : kept + ".";
    }

    /** The reply without an opening "The answer is:" when an answer follows it. */
    public static String dropAnswerIs(String s) {
        return ANSWER_IS.matcher(s).replaceFirst("");
    }
}
