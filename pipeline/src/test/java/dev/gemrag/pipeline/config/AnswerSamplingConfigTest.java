package dev.gemrag.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.model.GenerationParams;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnswerSamplingConfigTest {
    private static GemragConfig set(String key, String value) {
        return GemragConfig.load(null, Map.of(), Map.of(key, value));
    }

    @Test
    void everyKeyReachesTheGenerationParams() {
        GemragConfig c =
                GemragConfig.load(
                        null,
                        Map.of(),
                        Map.ofEntries(
                                Map.entry("answer.temperature", "0.7"),
                                Map.entry("answer.top-p", "0.9"),
                                Map.entry("answer.sampling-top-k", "40"),
                                Map.entry("answer.min-p", "0.05"),
                                Map.entry("answer.seed", "42"),
                                Map.entry("answer.repetition-penalty", "1.2"),
                                Map.entry("answer.frequency-penalty", "0.1"),
                                Map.entry("answer.presence-penalty", "0.2"),
                                Map.entry("answer.penalty-window", "0"),
                                Map.entry("answer.no-repeat-ngram", "3"),
                                Map.entry("answer.dry-multiplier", "0.5"),
                                Map.entry("answer.dry-base", "2"),
                                Map.entry("answer.dry-allowed-length", "3")));
        assertThat(AnswerSamplingConfig.params(c, 64))
                .isEqualTo(
                        new GenerationParams(
                                64, 0.7f, 0.9f, 42, 40, 0.05f, 1.2f, 0.1f, 0.2f, 0, 3, 0.5f, 2f,
                                3));
    }

    @Test
    void defaultsAreTheMeasuredOnes() {
        GenerationParams p =
                AnswerSamplingConfig.params(GemragConfig.load(null, Map.of(), Map.of()), 64);
        assertThat(p.temperature()).isZero();
        assertThat(p.repetitionPenalty()).isEqualTo(1.3f);
        assertThat(p.penaltyWindow()).isEqualTo(64);
        assertThat(p.dryMultiplier()).isEqualTo(0.8f);
        assertThat(p.noRepeatNgram()).isZero();
    }

    @Test
    void rerankAndCodeKeysReachTheAnswerControls() {
        var defaults =
                dev.gemrag.pipeline.job.GemragJob.answerControls(
                        GemragConfig.load(null, Map.of(), Map.of()));
        assertThat(defaults.rerank()).isEqualTo(dev.gemrag.connectors.records.RerankMode.AUTO);
        assertThat(defaults.rerankSkipMargin()).isEqualTo(0.15);
        assertThat(defaults.codeExtraTokens()).isEqualTo(24);
        assertThat(defaults.rerankWeight()).isEqualTo(0.5);
        var set =
                dev.gemrag.pipeline.job.GemragJob.answerControls(
                        GemragConfig.load(
                                null,
                                Map.of(),
                                Map.of(
                                        "retrieval.rerank", "llm",
                                        "retrieval.rerank-skip-margin", "0.4",
                                        "retrieval.rerank-weight", "1",
                                        "answer.code-extra-tokens", "0")));
        assertThat(set.rerank()).isEqualTo(dev.gemrag.connectors.records.RerankMode.LLM);
        assertThat(set.rerankSkipMargin()).isEqualTo(0.4);
        assertThat(set.codeExtraTokens()).isZero();
        assertThat(set.rerankWeight()).isEqualTo(1.0);
        assertThatThrownBy(() -> set("retrieval.rerank-weight", "-0.5"))
                .hasMessage(
                        "invalid value '-0.5' for 'retrieval.rerank-weight': must be in [0, 1] (1 = likelihood alone, 0 = the retriever's order) (from --set)");
        assertThatThrownBy(() -> set("retrieval.rerank-skip-margin", "-0.1"))
                .hasMessage(
                        "invalid value '-0.1' for 'retrieval.rerank-skip-margin': must be in [0, 2] (2 = never skip) (from --set)");
        assertThatThrownBy(() -> set("answer.code-extra-tokens", "-1"))
                .hasMessageContaining("answer.code-extra-tokens");
    }

    @Test
    void outOfRangeValuesAreOneLineErrorsNamingTheKey() {
        assertThatThrownBy(() -> set("answer.top-p", "0"))
                .hasMessage("invalid value '0' for 'answer.top-p': must be in (0, 1] (from --set)");
        assertThatThrownBy(() -> set("answer.repetition-penalty", "-1"))
                .hasMessage(
                        "invalid value '-1' for 'answer.repetition-penalty': must be in (0, 10] (1 = off) (from --set)");
        assertThatThrownBy(() -> set("answer.temperature", "hot"))
                .hasMessage(
                        "invalid value 'hot' for 'answer.temperature': expected a number (from --set)");
        assertThatThrownBy(() -> set("answer.no-repeat-ngram", "-2"))
                .hasMessage(
                        "invalid value '-2' for 'answer.no-repeat-ngram': must be in 0..16 (from --set)");
        assertThatThrownBy(() -> set("answer.dry-allowed-length", "0"))
                .hasMessage(
                        "invalid value '0' for 'answer.dry-allowed-length': must be positive (from --set)");
        assertThatThrownBy(() -> set("answer.prompt-layout", "middle"))
                .hasMessage(
                        "invalid value 'middle' for 'answer.prompt-layout': expected one of system user_first user_last (from --set)");
        assertThat(set("answer.no-repeat-ngram", "0").get(GemragOptions.ANSWER_NO_REPEAT_NGRAM))
                .isZero();
    }
}
