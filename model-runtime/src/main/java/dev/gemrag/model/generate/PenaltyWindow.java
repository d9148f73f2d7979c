package dev.gemrag.model.generate;

/** The part of a history the count-based penalties look at. */
final class PenaltyWindow {
    private PenaltyWindow() {}

    /** First index of the last {@code window} of {@code length} tokens (window 0 = all). */
    static int start(int length, int window) {
        return window <= 0 ? 0 : Math.max(0, length - window);
    }
}
