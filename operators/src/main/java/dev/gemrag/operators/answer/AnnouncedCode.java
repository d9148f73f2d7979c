package dev.gemrag.operators.answer;

/**
 * Whether a reply cut by its token budget stopped where the command a reader came for was about to
 * come, or was coming: inside an open ``` block, inside an open `code span`, or right after a line
 * that announces it ("... the following command:"). Sentence shaping would have to drop such a
 * tail, so the answer step gives these replies a few more tokens (answer.code-extra-tokens).
 */
public final class AnnouncedCode {
    private static final String FENCE = "```";

    private AnnouncedCode() {}

    /** True when the text ends inside a code block or span, or its last line ends with ':'. */
    public static boolean pending(String text) {
        String s = text.stripTrailing();
        if (s.isEmpty()) {
            return false;
        }
        return openFences(s) % 2 == 1 || insideSpan(s) || s.endsWith(":");
    }

    private static int openFences(String s) {
        int n = 0;
        for (int at = s.indexOf(FENCE); at >= 0; at = s.indexOf(FENCE, at + FENCE.length())) {
            n++;
        }
        return n;
    }

    /**
     * An odd number of single backticks after the last fence (fenced text does not count). A closed
     * block was checked before, so only text after it can hold an open span.
     */
    private static boolean insideSpan(String s) {
        int last = s.lastIndexOf(FENCE);
        String tail = last < 0 ? s : s.substring(last + FENCE.length());
        long ticks = tail.chars().filter(ch -> ch == '`').count();
        return ticks % 2 == 1;
    }
}
