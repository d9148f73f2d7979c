package dev.gemrag.connectors.records;

import java.io.Serializable;

/**
 * A question's own sampling settings; a null field keeps the configured {@code answer.*} value.
 * Questions topic fields: temperature, top_p, min_p, seed, repetition_penalty, frequency_penalty,
 * presence_penalty, no_repeat_ngram, dry_multiplier.
 */
public record SamplingOverrides(
        Float temperature,
        Float topP,
        Float minP,
        Long seed,
        Float repetitionPenalty,
        Float frequencyPenalty,
        Float presencePenalty,
        Integer noRepeatNgram,
        Float dryMultiplier)
        implements Serializable {

    public static final SamplingOverrides NONE =
            new SamplingOverrides(null, null, null, null, null, null, null, null, null);

    public boolean isEmpty() {
        return equals(NONE);
    }
}
