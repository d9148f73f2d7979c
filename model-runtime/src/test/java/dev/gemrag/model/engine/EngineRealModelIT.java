package dev.gemrag.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.LanguageModel;
import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
        for (int i = 0; i < texts.size(); i++) {
            EmbedRole role = i % 2 == 0 ? EmbedRole.QUERY : EmbedRole.DOCUMENT;
            float[] direct = model.embed(List.of(texts.get(i)), role).get(0);
            assertThat(got.get(i))
                    .as("text %d", i)
                    .hasSize(576)
                    .containsExactly(direct, Offset.offset(1e-5f));
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
}
