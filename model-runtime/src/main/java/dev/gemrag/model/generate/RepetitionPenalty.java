package dev.gemrag.model.generate;

import java.util.BitSet;

/**
 * Hugging Face / llama.cpp repetition penalty: every token seen in the window has its logit divided
 * by the penalty when positive and multiplied by it when negative (so a penalty above 1 always
 * lowers it). A token counts once however often it occurred.
 */
public final class RepetitionPenalty implements LogitProcessor {
    private final float penalty;
    private final int window;

    /**
     * @param window last N tokens looked at; 0 = all
     */
    public RepetitionPenalty(float penalty, int window) {
        if (!(penalty > 0)) {
            throw new IllegalArgumentException("repetition penalty must be > 0, got " + penalty);
        }
        this.penalty = penalty;
        this.window = window;
    }

    @Override
    public void apply(float[] logits, int offset, int vocab, int[] history, int length) {
        BitSet done = new BitSet(vocab);
        for (int i = PenaltyWindow.start(length, window); i < length; i++) {
            int t = history[i];
            if (t < 0 || t >= vocab || done.get(t)) {
                continue;
            }
            done.set(t);
            float v = logits[offset + t];
            logits[offset + t] = v > 0 ? v / penalty : v * penalty;
        }
    }
}
