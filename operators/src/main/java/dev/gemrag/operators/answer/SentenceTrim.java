package dev.gemrag.operators.answer;

/**
 * Ends an answer that ran out of tokens at its last complete sentence, so the reader never sees a
 * cut word or half a sentence. Without any sentence end it cuts after the last whole word and marks
 * the cut with an ellipsis.
 */
public final class SentenceTrim {
    private SentenceTrim() {}

    /**
     * @param budgetSpent true when generation stopped at the token limit (the text may end
     *     mid-sentence)
     */
    public static String trim(String text, boolean budgetSpent) {
        String s = text.strip();
        // an answer ending in "the following command:" lost what it announced, even when it stopped
        // by itself
        budgetSpent = budgetSpent || s.endsWith(":") && lastSentenceEnd(s) > 0;
        if (!budgetSpent || s.isEmpty() || endsSentence(s, s.length() - 1)) {
            // ending in ':' here means nothing before it ends a sentence: only the clause can go
            return s.endsWith(":") ? LeadIn.dropClause(s) : s;
        }
        String code = closedAtLastWholeLine(s);
        if (code != null) {
            return code;
        }
        int end = lastSentenceEnd(s);
        // "... the following command:" announces what was cut off: end before it when there is an
        // earlier end
        while (end > 0
                && s.substring(0, end).strip().endsWith(":")
                && lastSentenceEnd(s.substring(0, end).strip()) > 0) {
            end = lastSentenceEnd(s.substring(0, end).strip());
        }
        if (end > 0) {
            String kept = s.substring(0, end).strip();
            // still an announcement (nothing ends a sentence before it): its clause goes
            return kept.endsWith(":") ? LeadIn.dropClause(kept) : kept;
        }
        int space = lastSpace(s);
        // never leave an unclosed `code span`: a half command is worse than none
        int tick = openSpan(s);
        if (tick >= 0) {
            space = lastSpace(s.substring(0, tick + 1));
        }
        return space > 0 ? s.substring(0, space).strip() + " …" : s;
    }

    /**
     * Index just after the last sentence end (., !, ?, a citation after one, or a line break
     * outside a ``` code block), or -1.
     */
    static int lastSentenceEnd(String s) {
        for (int i = s.length() - 2; i >= 0; i--) {
            char next = s.charAt(i + 1);
            if (s.charAt(i) == '\n' && i > 0 && !insideCode(s, i)) {
                return i;
            }
            if (endsSentence(s, i) && Character.isWhitespace(next)) {
                return i + 1;
            }
        }
        return -1;
    }

    private static boolean endsSentence(String s, int i) {
        char c = s.charAt(i);
        if (c == ']') {
            // "... end. [2]" or "... end [2]." : a citation closing a sentence
            int open = s.lastIndexOf('[', i);
            return open > 0 && s.substring(0, open).stripTrailing().matches("(?s).*[.!?]");
        }
        if (c == '!' || c == '?') {
            return true;
        }
        if (c != '.') {
            return false;
        }
        // not the second dot of "e.g." / "i.e."
        if (i >= 3
                && s.charAt(i - 2) == '.'
                && Character.isLetter(s.charAt(i - 1))
                && Character.isLetter(s.charAt(i - 3))) {
            return false;
        }
        // not the dot of a list number ("\n1. First step"): nothing but digits since the line start
        int digits = i;
        while (digits > 0 && Character.isDigit(s.charAt(digits - 1))) {
            digits--;
        }
        if (digits < i && (digits == 0 || s.charAt(digits - 1) == '\n')) {
            return false;
        }
        // not the dot of a number like 1.5 / a file name like a.txt: the next char is space or end
        return i + 1 == s.length() || Character.isWhitespace(s.charAt(i + 1));
    }

    /**
     * A cut inside an open ``` block keeps the block's complete lines and closes it (the command a
     * reader came for is often there); null when the text is not inside a block or no line of it is
     * complete.
     */
    private static String closedAtLastWholeLine(String s) {
        if (!insideCode(s, s.length())) {
            return null;
        }
        int open = s.lastIndexOf("```");
        int firstLineEnd = s.indexOf('\n', open);
        int lastLineEnd = s.lastIndexOf('\n');
        if (firstLineEnd < 0 || lastLineEnd <= firstLineEnd) {
            return null;
        }
        return s.substring(0, lastLineEnd).stripTrailing() + "\n```";
    }

    /** True when an odd number of ``` fences opens before index i. */
    private static boolean insideCode(String s, int i) {
        int fences = 0;
        for (int at = s.indexOf("```"); at >= 0 && at < i; at = s.indexOf("```", at + 3)) {
            fences++;
        }
        return fences % 2 == 1;
    }

    /** Index of the backtick opening an unclosed span (outside ``` blocks), or -1. */
    private static int openSpan(String s) {
        int from = s.lastIndexOf("```");
        from = from < 0 ? 0 : from + 3;
        int open = -1;
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == '`') {
                open = open < 0 ? i : -1;
            }
        }
        return open;
    }

    private static int lastSpace(String s) {
        for (int i = s.length() - 1; i > 0; i--) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
