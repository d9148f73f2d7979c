package dev.gemrag.model.generate;

import java.util.HashMap;
import java.util.Map;

/**
 * OpenAI / llama.cpp frequency and presence penalties: a token seen c > 0 times in the window loses
 * {@code c * frequency + presence} from its logit. Additive, so it also pushes down tokens with
 * negative logits (unlike the repetition penalty).
 */
public final class FrequencyPresencePenalty implements LogitProcessor {
    private final float frequency;
    private final float presence;
    private final int window;

    /**
     * @param window last N tokens counted; 0 = all
     */
    public FrequencyPresencePenalty(float frequency, float presence, int window) {
        this.frequency = frequency;
        this.presence = presence;
        this.window = window;
    }

    @Override
    public void apply(float[] logits, int offset, int vocab, int[] history, int length) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = PenaltyWindow.start(length, window); i < length; i++) {
            counts.merge(history[i], 1, Integer::sum);
        }
        counts.forEach(
                (t, c) -> {
                    if (t >= 0 && t < vocab) {
                        logits[offset + t] -= c * frequency + presence;
                    }
                });
    }
}
