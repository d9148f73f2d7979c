package dev.gemrag.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.GenerationSession;
import dev.gemrag.model.LanguageModel;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.model.generate.Generator;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.testing.TinyLlama;
import dev.gemrag.model.testing.TinyVocab;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The engine's worker with a real (tiny) decoder: generations join a running batch and leave when
 * done.
 */
class ContinuousBatchingEngineTest {

    /** A tiny random Llama whose "text" is space-separated token ids. */
    private static final class TinyModel implements LanguageModel {
        final LlamaModel llama;
        final Generator generator;
        final TextTokenizer tokenizer =
                new TextTokenizer() {
                    @Override
                    public int[] encode(String text) {
                        return Arrays.stream(text.trim().split(" +"))
                                .mapToInt(Integer::parseInt)
                                .toArray();
                    }

                    @Override
                    public String decode(int[] ids) {
                        return Arrays.stream(ids)
                                .mapToObj(Integer::toString)
                                .collect(Collectors.joining(" "));
                    }
                };

        TinyModel() {
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
                            256,
                            true,
                            false,
                            RopeLayout.HALF_SPLIT);
            llama = LlamaModel.create(c, TinyLlama.random(8, c).weights(), Device.cpu());
            generator = new Generator(llama, tokenizer, Set.of());
        }

        @Override
        public String id() {
            return "tiny";
        }

        @Override
        public int embeddingDimension() {
            return 1;
        }

        @Override
        public TextTokenizer tokenizer() {
            return tokenizer;
        }

        @Override
        public String applyChatTemplate(List<ChatMessage> messages) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<float[]> embed(List<String> texts, EmbedRole role) {
            return texts.stream().map(t -> new float[] {t.length()}).toList();
        }

        @Override
        public List<GenerationResult> generate(List<String> prompts, GenerationParams params) {
            return generator.generate(prompts, params);
        }

        @Override
        public GenerationSession openSession() {
            return generator.openSession();
        }

        @Override
        public void close() {
            llama.close();
        }
    }

    @Test
    void aShortGenerationJoinsALongOneAndFinishesFirstWithItsAloneTokens() throws Exception {
        try (TinyModel model = new TinyModel()) {
            EngineOptions options = EngineOptions.defaults().withBatching(4096, 8, Duration.ZERO);
            CountDownLatch longStarted = new CountDownLatch(1);
            try (BatchingEngine engine = new BatchingEngine(model, options)) {
                engine.addListener(
                        new EngineListener() {
                            @Override
                            public void onBatch(BatchStats stats) {
                                if (stats.kind() == RequestKind.GENERATE) {
                                    longStarted.countDown();
                                }
                            }
                        });
                CompletableFuture<GenerationResult> longer =
                        engine.generate("5 6 7 8", GenerationParams.greedy(200));
                assertThat(longStarted.await(30, TimeUnit.SECONDS)).isTrue();
                CompletableFuture<GenerationResult> shorter =
                        engine.generate("40 41", GenerationParams.greedy(3));
                CompletableFuture<float[]> query = engine.embed("1 2 3", EmbedRole.QUERY);
                GenerationResult s = shorter.get(60, TimeUnit.SECONDS);
                query.get(60, TimeUnit.SECONDS);
                assertThat(longer)
                        .as("the long generation is still running when the short one is done")
                        .isNotDone();
                GenerationResult l = longer.get(120, TimeUnit.SECONDS);
                assertThat(l.tokens())
                        .hasSize(200)
                        .isEqualTo(
                                model.generator
                                        .generate(List.of("5 6 7 8"), GenerationParams.greedy(200))
                                        .get(0)
                                        .tokens());
                assertThat(s.tokens())
                        .hasSize(3)
                        .isEqualTo(
                                model.generator
                                        .generate(List.of("40 41"), GenerationParams.greedy(3))
                                        .get(0)
                                        .tokens());
            }
        }
    }
}
