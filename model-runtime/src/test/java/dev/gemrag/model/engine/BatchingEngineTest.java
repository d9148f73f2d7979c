package dev.gemrag.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Queueing, batching and failure rules of the engine, on a scripted model (the real-model run is in
 * the IT).
 */
class BatchingEngineTest {
    private static EngineOptions small(int capacity, EngineOptions.FullQueuePolicy policy) {
        return EngineOptions.defaults()
                .withQueue(capacity, policy)
                .withBatching(8192, 32, Duration.ofMillis(2));
    }

    /**
     * Occupies the worker with a document batch ("hold") that runs until {@code model.release}
     * opens, so that what is queued next waits; returns the held request's future.
     */
    private static CompletableFuture<float[]> holdWorker(BatchingEngine engine, FakeModel model)
            throws InterruptedException {
        CompletableFuture<float[]> held = engine.embed("hold", EmbedRole.DOCUMENT);
        assertThat(model.holding.await(10, TimeUnit.SECONDS))
                .as("the worker took the held batch")
                .isTrue();
        return held;
    }

    @Test
    void manyThreadsGetTheirOwnResultsFromOneWorker() throws Exception {
        FakeModel model = new FakeModel();
        List<Integer> sizes = new ArrayList<>();
        try (BatchingEngine engine =
                new BatchingEngine(model, small(64, EngineOptions.FullQueuePolicy.BLOCK))) {
            engine.addListener(
                    new EngineListener() {
                        @Override
                        public void onBatch(BatchStats stats) {
                            synchronized (sizes) {
                                sizes.add(stats.size());
                            }
                        }
                    });
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                done.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < 50; i++) {
                                        EmbedRole role =
                                                i % 3 == 0 ? EmbedRole.QUERY : EmbedRole.DOCUMENT;
                                        String text =
                                                "thread "
                                                        + thread
                                                        + " text "
                                                        + i
                                                        + " x".repeat(i % 7);
                                        assertThat(engine.embed(text, role).join())
                                                .containsExactly(FakeModel.vector(text, role));
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        assertThat(model.callerThreads).hasSize(1);
        assertThat(model.callerThreads.iterator().next().getName()).startsWith("gemrag-engine-");
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(800);
        assertThat(sizes.stream().mapToInt(Integer::intValue).max().orElse(0))
                .as("requests were batched")
                .isGreaterThan(1);
    }

    @Test
    void idsEncodedOnceAreEmbeddedWithoutTokenisingAgain() {
        FakeModel model = new FakeModel();
        List<String> texts = List.of("cp\ncopy files", "cp\nand directories", "rm\nremove");
        try (BatchingEngine engine =
                new BatchingEngine(model, small(64, EngineOptions.FullQueuePolicy.BLOCK))) {
            List<int[]> ids =
                    texts.stream().map(t -> engine.embeddingTokens(t, EmbedRole.DOCUMENT)).toList();
            assertThat(model.encodes.get()).isEqualTo(3);
            List<float[]> byIds = engine.embedAllTokens(ids, EmbedRole.DOCUMENT).join();
            assertThat(model.encodes.get()).as("tokenisations after encoding").isEqualTo(3);
            assertThat(byIds).hasSize(3);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(byIds.get(i))
                        .containsExactly(FakeModel.vector(texts.get(i), EmbedRole.DOCUMENT));
            }
        }
    }

    @Test
    void aTextQueuedBesideIdsJoinsTheirBatch() throws Exception {
        FakeModel model = new FakeModel();
        try (BatchingEngine engine =
                new BatchingEngine(model, small(64, EngineOptions.FullQueuePolicy.BLOCK))) {
            CompletableFuture<float[]> held = holdWorker(engine, model);
            int[] ids = engine.embeddingTokens("cp\ncopy", EmbedRole.DOCUMENT);
            CompletableFuture<List<float[]>> byIds =
                    engine.embedAllTokens(List.of(ids), EmbedRole.DOCUMENT);
            CompletableFuture<float[]> byText = engine.embed("ls\nlist", EmbedRole.DOCUMENT);
            model.release.countDown();
            held.join();
            assertThat(byIds.join().get(0))
                    .containsExactly(FakeModel.vector("cp\ncopy", EmbedRole.DOCUMENT));
            assertThat(byText.join())
                    .containsExactly(FakeModel.vector("ls\nlist", EmbedRole.DOCUMENT));
            assertThat(model.batches).last().isEqualTo(List.of("cp\ncopy", "ls\nlist"));
        }
    }

    @Test
    void rejectPolicyThrowsWhenFull() throws Exception {
        FakeModel model = new FakeModel();
        AtomicInteger rejected = new AtomicInteger();
        try (BatchingEngine engine =
                new BatchingEngine(model, small(2, EngineOptions.FullQueuePolicy.REJECT))) {
            engine.addListener(
                    new EngineListener() {
                        @Override
                        public void onRejected() {
                            rejected.incrementAndGet();
                        }
                    });
            CompletableFuture<float[]> held = holdWorker(engine, model);
            CompletableFuture<float[]> a = engine.embed("a", EmbedRole.DOCUMENT);
            CompletableFuture<float[]> b = engine.embed("b", EmbedRole.DOCUMENT);
            assertThatThrownBy(() -> engine.embed("c", EmbedRole.DOCUMENT))
                    .isInstanceOf(EngineOverloadedException.class)
                    .hasMessageContaining("queue is full (2 requests waiting)");
            assertThat(rejected).hasValue(1);
            model.release.countDown();
            held.get(5, TimeUnit.SECONDS);
            assertThat(a.get(5, TimeUnit.SECONDS))
                    .containsExactly(FakeModel.vector("a", EmbedRole.DOCUMENT));
            b.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void blockPolicyWaitsForRoom() throws Exception {
        FakeModel model = new FakeModel();
        try (BatchingEngine engine =
                new BatchingEngine(model, small(1, EngineOptions.FullQueuePolicy.BLOCK))) {
            CompletableFuture<float[]> held = holdWorker(engine, model);
            engine.embed("a", EmbedRole.DOCUMENT);
            CompletableFuture<CompletableFuture<float[]>> blocked =
                    CompletableFuture.supplyAsync(() -> engine.embed("b", EmbedRole.DOCUMENT));
            Thread.sleep(300);
            assertThat(blocked).as("submitter waits while the queue is full").isNotDone();
            model.release.countDown();
            held.get(5, TimeUnit.SECONDS);
            assertThat(blocked.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS))
                    .containsExactly(FakeModel.vector("b", EmbedRole.DOCUMENT));
        }
    }

    @Test
    void failingBatchFailsOnlyItsOwnFutures() throws Exception {
        FakeModel model = new FakeModel();
        try (BatchingEngine engine =
                new BatchingEngine(model, small(16, EngineOptions.FullQueuePolicy.BLOCK))) {
            CompletableFuture<float[]> held = holdWorker(engine, model);
            // Different kinds never share a batch: the poisoned query batch is separate from the
            // documents.
            CompletableFuture<float[]> poisoned = engine.embed("poison", EmbedRole.QUERY);
            CompletableFuture<float[]> fine = engine.embed("fine", EmbedRole.DOCUMENT);
            model.release.countDown();
            held.get(5, TimeUnit.SECONDS);
            assertThatThrownBy(poisoned::join)
                    .isInstanceOf(CompletionException.class)
                    .hasMessageContaining("poisoned");
            assertThat(fine.get(5, TimeUnit.SECONDS))
                    .containsExactly(FakeModel.vector("fine", EmbedRole.DOCUMENT));
            assertThat(engine.embed("after", EmbedRole.QUERY).get(5, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void queriesAreServedBeforeDocumentsAndGenerationSharesTheWorker() throws Exception {
        FakeModel model = new FakeModel();
        try (BatchingEngine engine =
                new BatchingEngine(model, small(16, EngineOptions.FullQueuePolicy.BLOCK))) {
            CompletableFuture<float[]> held = holdWorker(engine, model);
            CompletableFuture<float[]> doc = engine.embed("doc", EmbedRole.DOCUMENT);
            var gen = engine.generate("prompt", GenerationParams.greedy(4));
            CompletableFuture<float[]> query = engine.embed("query", EmbedRole.QUERY);
            model.release.countDown();
            CompletableFuture.allOf(held, doc, gen, query).get(5, TimeUnit.SECONDS);
            assertThat(model.batches)
                    .containsExactly(
                            List.of("hold"), List.of("query"), List.of("prompt"), List.of("doc"));
            assertThat(gen.get().text()).isEqualTo("echo:prompt");
            assertThat(model.callerThreads).hasSize(1);
        }
    }

    @Test
    void closeFailsQueuedRequestsAndJoinsTheWorker() throws Exception {
        FakeModel model = new FakeModel();
        BatchingEngine engine =
                new BatchingEngine(model, small(16, EngineOptions.FullQueuePolicy.BLOCK));
        CompletableFuture<float[]> held = holdWorker(engine, model);
        CompletableFuture<float[]> queued = engine.embed("queued", EmbedRole.DOCUMENT);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(engine::close);
        assertThatThrownBy(() -> queued.get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(EngineClosedException.class)
                .hasMessageContaining("closed before the request ran");
        assertThat(closing).as("close waits for the batch in progress").isNotDone();
        model.release.countDown();
        closing.get(5, TimeUnit.SECONDS);
        assertThat(held.get()).as("the batch in progress completes").isNotNull();
        assertThatThrownBy(() -> engine.embed("late", EmbedRole.QUERY))
                .isInstanceOf(EngineClosedException.class);
        assertThat(model.closed).as("engine does not close the model; the registry does").isFalse();
    }

    @Test
    void similarLengthsAreBatchedTogetherWithinTheTokenBudget() throws Exception {
        FakeModel model = new FakeModel();
        EngineOptions opts =
                EngineOptions.defaults()
                        .withQueue(64, EngineOptions.FullQueuePolicy.BLOCK)
                        .withBatching(40, 32, Duration.ofMillis(1));
        try (BatchingEngine engine = new BatchingEngine(model, opts)) {
            CompletableFuture<float[]> held = holdWorker(engine, model);
            List<CompletableFuture<float[]>> fs = new ArrayList<>();
            // 1-word texts and 20-word texts interleaved; budget 40 padded tokens.
            for (int i = 0; i < 4; i++) {
                fs.add(engine.embed("s" + i, EmbedRole.DOCUMENT));
                fs.add(engine.embed("l" + i + " w".repeat(19), EmbedRole.DOCUMENT));
            }
            model.release.countDown();
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            held.get();
        }
        for (List<String> batch : model.batches.subList(1, model.batches.size())) {
            long longOnes = batch.stream().filter(t -> t.startsWith("l")).count();
            assertThat(longOnes == 0 || longOnes == batch.size())
                    .as("no mixed batch: " + batch)
                    .isTrue();
            assertThat(longOnes * 20).isLessThanOrEqualTo(40);
        }
    }

    @Test
    void scoreRunsOnTheWorkerAndReturnsOneScorePerContext() throws Exception {
        FakeModel model = new FakeModel();
        try (BatchingEngine engine =
                new BatchingEngine(model, small(16, EngineOptions.FullQueuePolicy.BLOCK))) {
            var a = engine.score(List.of("abcd", "ab"), "x");
            var b = engine.score(List.of("abcdef"), "xy");
            assertThat(a.get(10, java.util.concurrent.TimeUnit.SECONDS)).containsExactly(3.0, 1.0);
            assertThat(b.get(10, java.util.concurrent.TimeUnit.SECONDS)).containsExactly(4.0);
            assertThat(model.callerThreads)
                    .allSatisfy(t -> assertThat(t).isNotEqualTo(Thread.currentThread()));
            assertThatThrownBy(() -> engine.score(java.util.Arrays.asList("a", null), "x"))
                    .hasMessageContaining("contexts");
        }
    }
}
