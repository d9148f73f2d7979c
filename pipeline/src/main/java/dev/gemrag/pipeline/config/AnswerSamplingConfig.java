package dev.gemrag.pipeline.config;

import static dev.gemrag.pipeline.config.GemragOptions.*;

import dev.gemrag.model.GenerationParams;
import org.apache.flink.configuration.ConfigOption;

/** The {@code answer.*} sampling keys: their ranges, and the {@link GenerationParams} they make. */
public final class AnswerSamplingConfig {
    private AnswerSamplingConfig() {}

    /** Integer keys for which 0 means "off" or "all". */

    /** A key whose value is out of range, and why. */
    record Problem(String key, String why) {}

    static Problem check(GemragConfig c) {
        float t = c.get(ANSWER_TEMPERATURE);
        if (!(t >= 0 && t <= 5)) {
            return new Problem(ANSWER_TEMPERATURE.key(), "must be in [0, 5]");
        }
        float p = c.get(ANSWER_TOP_P);
        if (!(p > 0 && p <= 1)) {
            return new Problem(ANSWER_TOP_P.key(), "must be in (0, 1]");
        }
        float minP = c.get(ANSWER_MIN_P);
        if (!(minP >= 0 && minP < 1)) {
            return new Problem(ANSWER_MIN_P.key(), "must be in [0, 1)");
        }
        float rep = c.get(ANSWER_REPETITION_PENALTY);
        if (!(rep > 0 && rep <= 10)) {
            return new Problem(ANSWER_REPETITION_PENALTY.key(), "must be in (0, 10] (1 = off)");
        }
        for (ConfigOption<Float> o :
                java.util.List.of(ANSWER_FREQUENCY_PENALTY, ANSWER_PRESENCE_PENALTY)) {
            float v = c.get(o);
            if (!(v >= -2 && v <= 2)) {
                return new Problem(o.key(), "must be in [-2, 2]");
            }
        }
        if (c.get(ANSWER_NO_REPEAT_NGRAM) > 16) {
            return new Problem(ANSWER_NO_REPEAT_NGRAM.key(), "must be at most 16 (0 = off)");
        }
        float dry = c.get(ANSWER_DRY_MULTIPLIER);
        if (!(dry >= 0 && dry <= 100)) {
            return new Problem(ANSWER_DRY_MULTIPLIER.key(), "must be in [0, 100] (0 = off)");
        }
        float base = c.get(ANSWER_DRY_BASE);
        if (!(base >= 1 && base <= 10)) {
            return new Problem(ANSWER_DRY_BASE.key(), "must be in [1, 10]");
        }
        double margin = c.get(RETRIEVAL_RERANK_SKIP_MARGIN);
        if (!(margin >= 0 && margin <= 2)) {
            return new Problem(
                    RETRIEVAL_RERANK_SKIP_MARGIN.key(), "must be in [0, 2] (2 = never skip)");
        }
        double weight = c.get(RETRIEVAL_RERANK_WEIGHT);
        if (!(weight >= 0 && weight <= 1)) {
            return new Problem(
                    RETRIEVAL_RERANK_WEIGHT.key(),
                    "must be in [0, 1] (1 = likelihood alone, 0 = the retriever's order)");
        }
        return null;
    }

    /**
     * The configured sampling for answers of {@code maxTokens} tokens (valid: the config was
     * checked on load).
     */
    public static GenerationParams params(GemragConfig c, int maxTokens) {
        return new GenerationParams(
                maxTokens,
                c.get(ANSWER_TEMPERATURE),
                c.get(ANSWER_TOP_P),
                c.get(ANSWER_SEED),
                c.get(ANSWER_SAMPLING_TOP_K),
                c.get(ANSWER_MIN_P),
                c.get(ANSWER_REPETITION_PENALTY),
                c.get(ANSWER_FREQUENCY_PENALTY),
                c.get(ANSWER_PRESENCE_PENALTY),
                c.get(ANSWER_PENALTY_WINDOW),
                c.get(ANSWER_NO_REPEAT_NGRAM),
                c.get(ANSWER_DRY_MULTIPLIER),
                c.get(ANSWER_DRY_BASE),
                c.get(ANSWER_DRY_ALLOWED_LENGTH));
    }
}
