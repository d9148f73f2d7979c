package dev.gemrag.model.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import dev.gemrag.model.llama.compiled.WeightFormat;
import dev.gemrag.model.testing.TinyLlama;
import dev.gemrag.model.testing.TinyVocab;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Prompts that join a running batch mid-way get the tokens they get alone, and leave when done. */
class ContinuousBatchTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void promptsJoiningMidWayGetTheirAloneTokens(boolean compiledPath) {
        LlamaConfig c =
                new LlamaConfig(
                        "llama",
                        TinyVocab.SIZE,
                        32,
                        64,
                        2,
                        4,
                        2,
                        8,
                        1e-5f,
                        10000f,
                        128,
                        true,
                        false,
                        RopeLayout.INTERLEAVED);
        try (LlamaModel model =
                        LlamaModel.create(c, TinyLlama.random(21, c).weights(), Device.cpu());
                CompiledDecoder compiled =
                        compiledPath ? CompiledDecoder.create(model, WeightFormat.FP32) : null) {
            Generator generator =
                    compiledPath
                            ? new Generator(compiled, null, Set.of())
                            : new Generator(model, null, Set.of());
            generator.withInitialDecodeSlots(4); // the merged cache must also grow
            int[] a = {5, 6, 7, 8, 9};
            int[] b = {100, 101};
            int[] d = {30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40};
            // Repetition controls too: each row's sampler must see that row's own generated tokens.
            GenerationParams longer = GenerationParams.greedy(20).withNoRepeatNgram(2);
            GenerationParams shorter =
                    GenerationParams.greedy(6).withPenalties(1.5f, 0.5f, 0.5f, 0);
            Map<Long, GenerationResult> results = new HashMap<>();
            Map<Long, Integer> stepsToFinish = new HashMap<>();
            int steps = 0;
            try (ContinuousBatch session = generator.openSession()) {
                long idA = session.joinTokens(List.of(a), longer).get(0);
                for (int i = 0; i < 7; i++) {
                    collect(session.step(), results, stepsToFinish, ++steps);
                }
                List<Long> joined =
                        session.joinTokens(
                                List.of(b, d), shorter); // A is 8 tokens in, 21 slots long
                assertThat(session.active()).isEqualTo(3);
                while (session.active() > 0) {
                    collect(session.step(), results, stepsToFinish, ++steps);
                }
                assertThat(stepsToFinish.get(joined.get(0)))
                        .as("short rows leave first")
                        .isLessThan(stepsToFinish.get(idA));
                Map<Long, int[]> prompts = Map.of(idA, a, joined.get(0), b, joined.get(1), d);
                Map<Long, GenerationParams> params =
                        Map.of(idA, longer, joined.get(0), shorter, joined.get(1), shorter);
                for (Map.Entry<Long, int[]> e : prompts.entrySet()) {
                    GenerationResult alone =
                            generator
                                    .generateTokens(List.of(e.getValue()), params.get(e.getKey()))
                                    .get(0);
                    assertThat(results.get(e.getKey()).tokens())
                            .as("row %d", e.getKey())
                            .isEqualTo(alone.tokens())
                            .hasSize(params.get(e.getKey()).maxTokens());
                    assertThat(results.get(e.getKey()).finishReason()).isEqualTo("length");
                }
                List<Integer> plainGreedy =
                        generator
                                .generateTokens(List.of(a), GenerationParams.greedy(20))
                                .get(0)
                                .tokens();
                assertThat(results.get(idA).tokens())
                        .as("the no-repeat rule changed row A's tokens")
                        .isNotEqualTo(plainGreedy);
            }
        }
    }

    private static void collect(
            Map<Long, GenerationResult> done,
            Map<Long, GenerationResult> results,
            Map<Long, Integer> at,
            int step) {
        done.forEach(
                (id, r) -> {
                    results.put(id, r);
                    at.put(id, step);
                });
    }
}
