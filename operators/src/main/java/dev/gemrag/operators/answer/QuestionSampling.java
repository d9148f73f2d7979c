package dev.gemrag.operators.answer;

import dev.gemrag.connectors.records.SamplingOverrides;
import dev.gemrag.model.GenerationParams;

/**
 * The sampling of one question: the configured {@code answer.*} values with the question's own on
 * top.
 */
public final class QuestionSampling {
    private QuestionSampling() {}

    public static GenerationParams params(
            GenerationParams configured, int maxTokens, SamplingOverrides o) {
        GenerationParams p = configured.withMaxTokens(maxTokens);
        if (o == null) {
            return p;
        }
        p =
                p.withSampling(
                        or(o.temperature(), p.temperature()),
                        or(o.topP(), p.topP()),
                        p.topK(),
                        or(o.minP(), p.minP()),
                        o.seed() == null ? p.seed() : o.seed());
        p =
                p.withPenalties(
                        or(o.repetitionPenalty(), p.repetitionPenalty()),
                        or(o.frequencyPenalty(), p.frequencyPenalty()),
                        or(o.presencePenalty(), p.presencePenalty()),
                        p.penaltyWindow());
        if (o.noRepeatNgram() != null) {
            p = p.withNoRepeatNgram(o.noRepeatNgram());
        }
        return o.dryMultiplier() == null
                ? p
                : p.withDry(o.dryMultiplier(), p.dryBase(), p.dryAllowedLength());
    }

    private static float or(Float v, float fallback) {
        return v == null ? fallback : v;
    }
}
