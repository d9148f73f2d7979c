package dev.gemrag.operators.model;

import dev.gemrag.model.engine.BatchingEngine;
import dev.gemrag.model.engine.EngineOverloadedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Puts work into a shared engine whose full queue rejects (never blocks), so the caller, a Flink
 * task thread in {@code asyncInvoke}, returns at once: checkpoints and timers keep running. A
 * rejected submission is tried again later on a timer thread (20 ms, doubling, at most 1 s apart)
 * until the engine takes it or closes; meanwhile the request counts against the async operator's
 * capacity, which is what pushes back on the source. Large embeddings go in slices of at most a
 * quarter of the queue, each admitted when there is room for it, so a document with more chunks
 * than the queue holds still gets in.
 */
final class EngineAdmission {
    static final long FIRST_RETRY_MS = 20;
    static final long MAX_RETRY_MS = 1000;
    private static final ScheduledExecutorService TIMER =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "gemrag-engine-admission");
                        t.setDaemon(true);
                        return t;
                    });

    private EngineAdmission() {}

    /** Embeds inputs (texts or token ids) in order, admitted slice by slice. */
    static <T> CompletableFuture<List<float[]>> embed(
            Supplier<BatchingEngine> engine,
            int queueCapacity,
            List<T> inputs,
            BiFunction<BatchingEngine, List<T>, CompletableFuture<List<float[]>>> embedAll) {
        int slice = Math.max(1, queueCapacity / 4);
        CompletableFuture<List<CompletableFuture<List<float[]>>>> admitted =
                CompletableFuture.completedFuture(new ArrayList<>());
        for (int from = 0; from < inputs.size(); from += slice) {
            List<T> part = inputs.subList(from, Math.min(inputs.size(), from + slice));
            admitted =
                    admitted.thenCompose(
                            parts ->
                                    admit(
                                                    () -> {
                                                        BatchingEngine e = engine.get();
                                                        int depth = e.queueDepth();
                                                        if (depth > 0
                                                                && depth + part.size()
                                                                        > queueCapacity) { // no
                                                            // room:
                                                            // do not
                                                            // enqueue half of it
                                                            throw new EngineOverloadedException(
                                                                    "no room for "
                                                                            + part.size()
                                                                            + " inputs");
                                                        }
                                                        return embedAll.apply(e, part);
                                                    },
                                                    FIRST_RETRY_MS)
                                            .thenApply(
                                                    f -> {
                                                        parts.add(f);
                                                        return parts;
                                                    }));
        }
        return admitted.thenCompose(
                parts ->
                        CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                                .thenApply(
                                        v -> {
                                            List<float[]> out = new ArrayList<>(inputs.size());
                                            parts.forEach(p -> out.addAll(p.join()));
                                            return out;
                                        }));
    }

    /** Runs one submission once the engine takes it. */
    static <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> attempt) {
        return admit(attempt, FIRST_RETRY_MS).thenCompose(f -> f);
    }

    /**
     * Completes with the engine's future once the submission was accepted; other errors fail it.
     */
    private static <T> CompletableFuture<CompletableFuture<T>> admit(
            Supplier<CompletableFuture<T>> attempt, long delayMs) {
        try {
            return CompletableFuture.completedFuture(attempt.get());
        } catch (EngineOverloadedException e) {
            CompletableFuture<CompletableFuture<T>> later = new CompletableFuture<>();
            TIMER.schedule(
                    () -> {
                        admit(attempt, Math.min(MAX_RETRY_MS, delayMs * 2))
                                .whenComplete(
                                        (f, error) -> {
                                            if (error != null) {
                                                later.completeExceptionally(error);
                                            } else {
                                                later.complete(f);
                                            }
                                        });
                    },
                    delayMs,
                    TimeUnit.MILLISECONDS);
            return later;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
