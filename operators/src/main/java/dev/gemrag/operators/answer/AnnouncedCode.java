package dev.gemrag.operators.answer;

/**
 * Whether a reply cut by its token budget stopped where the command a reader came for was about to
 * come, or was coming: inside an open ``` block, or right after a line that announces it ("... the
 * following command:"). Sentence shaping would have to drop such a tail, so the answer step gives
 * these replies a few more tokens (answer.code-extra-tokens). An open `code span` inside prose is
 * not: on samples-dev the extra tokens there only lengthened the prose with invented detail, and
 * trimming back to the last sentence keeps the answer.
 */
public final class AnnouncedCode {
    private static final String FENCE = "```";

    private AnnouncedCode() {}

    /** True when the text ends inside a code block, or its last line ends with ':'. */
    public static boolean pending(String text) {
        String s = text.stripTrailing();
        if (s.isEmpty()) {
            return false;
        }
        return openFences(s) % 2 == 1 || s.endsWith(":");
    }

    private static int openFences(String s) {
        int n = 0;
        for (int at = s.indexOf(FENCE); at >= 0; at = s.indexOf(FENCE, at + FENCE.length())) {
            n++;
        }
        return n;
    }
}
