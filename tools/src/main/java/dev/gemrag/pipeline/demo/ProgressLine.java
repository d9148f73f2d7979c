package dev.gemrag.pipeline.demo;

import java.io.PrintStream;

/** A single self-overwriting progress line on a terminal; plain lines elsewhere (CI logs). */
final class ProgressLine {
    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private long lastPlain;

    ProgressLine(PrintStream out) {
        this.out = out;
    }

    void update(long done, long total, String detail) {
        int width = 30;
        int filled = total == 0 ? 0 : (int) Math.min(width, done * width / total);
        String bar =
                "["
                        + "#".repeat(filled)
                        + " ".repeat(width - filled)
                        + "] "
                        + done
                        + "/"
                        + total
                        + " "
                        + detail;
        if (terminal) {
            out.print("\r  " + bar + "   ");
            out.flush();
        } else if (System.currentTimeMillis() - lastPlain > 5000 || done == total) {
            out.println("  " + bar);
            lastPlain = System.currentTimeMillis();
        }
    }

    void finish() {
        if (terminal) {
            out.println();
        }
    }
}
