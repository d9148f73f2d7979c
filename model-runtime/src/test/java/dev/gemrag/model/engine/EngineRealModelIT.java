package dev.gemrag.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.LanguageModel;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.gem.DocumentText;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real default model behind the engine: many threads get what direct calls give; embed and
 * generate share it.
 */
class EngineRealModelIT {
    private static final String KEY = "EngineRealModelIT";
    private static EngineRegistry.Lease lease;
    private static GemLanguageModel model;

    @BeforeAll
    static void load() {
        lease =
                EngineRegistry.shared()
                        .acquire(
                                KEY,
                                () -> {
                                    model = ModelRuntime.load(DefaultModel.path(), null);
                                    return model;
                                },
                                EngineOptions.defaults()
                                        .withBatching(4096, 16, Duration.ofMillis(5)));
    }

    @AfterAll
    static void release() {
        lease.close();
    }

    /**
     * How far one text's vector may move between batches. FP32 multi-token calls: 1e-5 (GEMM and
     * attention reductions over other shapes differ by ~1e-6). BF16: each GEMM rounds its inputs to
     * 8 significant bits, and a last-bit FP32 difference upstream flips some of those roundings
     * (one BF16 step: 2^-9 relative, 7e-4 on the largest components), so the same text alone and in
     * a batch differ by up to 1.1e-3 per component (measured on these 32 texts); 3e-3. Another
     * text's vector is ~1e-1 away, so a mixed-up reply still fails.
     */
    private static float sameVectorTolerance() {
        return model.compiled() != null && model.compiled().releasedFp32() ? 3e-3f : 1e-5f;
    }

    @Test
    void sixteenThreadsGetTheSameVectorsAsDirectCalls() throws Exception {
        BatchingEngine engine = lease.engine();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            texts.add(
                    "text number " + i + ": copy files and directories" + " quickly".repeat(i % 5));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<float[]>> results = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            EmbedRole role = i % 2 == 0 ? EmbedRole.QUERY : EmbedRole.DOCUMENT;
            results.add(pool.submit(() -> engine.embed(t, role).get(60, TimeUnit.SECONDS)));
        }
        List<float[]> got = new ArrayList<>();
        for (Future<float[]> f : results) {
            got.add(f.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();
        // Direct calls, one text at a time, once the engine is idle (the model is not thread-safe).
        assertThat(engine.queueDepth()).isZero();
        List<float[]> direct = new ArrayList<>();
        double worst = 0;
        for (int i = 0; i < texts.size(); i++) {
            EmbedRole role = i % 2 == 0 ? EmbedRole.QUERY : EmbedRole.DOCUMENT;
            direct.add(model.embed(List.of(texts.get(i)), role).get(0));
            for (int j = 0; j < direct.get(i).length; j++) {
                worst = Math.max(worst, Math.abs(got.get(i)[j] - direct.get(i)[j]));
            }
        }
        System.out.printf("engine vs direct calls: max |component diff| %.2e%n", worst);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(got.get(i))
                    .as("text %d", i)
                    .hasSize(576)
                    .containsExactly(direct.get(i), Offset.offset(sameVectorTolerance()));
        }
    }

    @Test
    void generationGoesThroughTheSameEngineAndModel() throws Exception {
        BatchingEngine engine = lease.engine();
        LanguageModel m = model;
        String prompt =
                m.applyChatTemplate(
                        List.of(
                                dev.gemrag.model.ChatMessage.user(
                                        "What is the capital of France?")));
        GenerationResult viaEngine =
                engine.generate(prompt, GenerationParams.greedy(8)).get(120, TimeUnit.SECONDS);
        assertThat(viaEngine.tokens()).isNotEmpty();
        assertThat(viaEngine.text()).containsIgnoringCase("Paris");
    }

    @Test
    void idsEncodedOnceEmbedAsTheirTextsAndTheEngineNeverTokenises() throws Exception {
        List<String> chunks =
                List.of(
                        DocumentText.of(
                                "cp", "cp - copy files and directories. Copy SOURCE to DEST."),
                        DocumentText.of("rm", "rm removes each specified file."),
                        DocumentText.of(
                                "tail",
                                "Print the last 10 lines of each FILE to standard output."));
        String question = "How do I show the last lines of a file?";
        CountingModel counting = new CountingModel(model);
        // a second engine over the same weights: the shared one is idle while this test runs
        try (BatchingEngine engine = new BatchingEngine(counting, EngineOptions.defaults())) {
            List<int[]> ids =
                    chunks.stream()
                            .map(c -> engine.embeddingTokens(c, EmbedRole.DOCUMENT))
                            .toList();
            int[] questionIds = engine.embeddingTokens(question, EmbedRole.QUERY);
            int encoded = counting.tokenisations.get();
            List<float[]> byIds =
                    engine.embedAllTokens(ids, EmbedRole.DOCUMENT).get(120, TimeUnit.SECONDS);
            float[] questionById =
                    engine.embedAllTokens(List.of(questionIds), EmbedRole.QUERY)
                            .get(120, TimeUnit.SECONDS)
                            .get(0);
            assertThat(counting.tokenisations.get())
                    .as("tokenizer calls by the engine for inputs given as ids")
                    .isEqualTo(encoded);
            assertThat(counting.textEmbeds.get()).isZero();
            List<float[]> byText = model.embed(chunks, EmbedRole.DOCUMENT);
            for (int i = 0; i < chunks.size(); i++) {
                assertThat(byIds.get(i))
                        .as("chunk %d", i)
                        .hasSize(576)
                        .containsExactly(byText.get(i), Offset.offset(sameVectorTolerance()));
            }
            // the query instruction travels inside the ids
            assertThat(questionById)
                    .containsExactly(
                            model.embed(List.of(question), EmbedRole.QUERY).get(0),
                            Offset.offset(sameVectorTolerance()));
        }
    }

    /**
     * The real model behind a wrapper that counts every way of tokenising through its API, and
     * embeddings by text.
     */
    private static final class CountingModel implements LanguageModel {
        final AtomicInteger tokenisations = new AtomicInteger();
        final AtomicInteger textEmbeds = new AtomicInteger();
        private final LanguageModel real;

        CountingModel(LanguageModel real) {
            this.real = real;
        }

        @Override
        public String id() {
            return real.id();
        }

        @Override
        public int embeddingDimension() {
            return real.embeddingDimension();
        }

        @Override
        public TextTokenizer tokenizer() {
            tokenisations.incrementAndGet();
            return real.tokenizer();
        }

        @Override
        public String applyChatTemplate(List<ChatMessage> messages) {
            return real.applyChatTemplate(messages);
        }

        @Override
        public List<float[]> embed(List<String> texts, EmbedRole role) {
            textEmbeds.incrementAndGet();
            return real.embed(texts, role);
        }

        @Override
        public int[] embeddingTokens(String text, EmbedRole role) {
            tokenisations.incrementAndGet();
            return real.embeddingTokens(text, role);
        }

        @Override
        public List<float[]> embedTokens(List<int[]> tokens, EmbedRole role) {
            return real.embedTokens(tokens, role); // ids only: there is no text to tokenise
        }

        @Override
        public List<GenerationResult> generate(List<String> prompts, GenerationParams params) {
            return real.generate(prompts, params);
        }

        @Override
        public void close() {} // the shared lease owns the model
    }
}
