package dev.gemrag.model.engine;

import java.time.Duration;

/**
 * How the batching engine forms batches and what a full queue does.
 *
 * @param queueCapacity requests waiting at most (all kinds together)
 * @param whenFull block the caller, or reject with {@link EngineOverloadedException}
 * @param tokenBudget padded tokens per embedding batch: batch size x longest input
 * @param maxBatch embedding requests per batch at most
 * @param maxGenerationBatch prompts generated together at most
 * @param maxWait how long the worker waits for more requests after the first one arrives
 */
public record EngineOptions(
        int queueCapacity,
        FullQueuePolicy whenFull,
        int tokenBudget,
        int maxBatch,
        int maxGenerationBatch,
        Duration maxWait) {

    public enum FullQueuePolicy {
        BLOCK,
        REJECT
    }

    public EngineOptions {
        if (queueCapacity <= 0 || tokenBudget <= 0 || maxBatch <= 0 || maxGenerationBatch <= 0) {
            throw new IllegalArgumentException(
                    "engine options must be positive: "
                            + queueCapacity
                            + "/"
                            + tokenBudget
                            + "/"
                            + maxBatch
                            + "/"
                            + maxGenerationBatch);
        }
        if (whenFull == null || maxWait == null || maxWait.isNegative()) {
            throw new IllegalArgumentException(
                    "engine options need a full-queue policy and a non-negative max wait");
        }
    }

    /**
     * 1024 queued, block when full, 8192 padded tokens / 32 texts per batch, 8 prompts decoding
     * together (a decode step of 8 rows costs little more than one of 1 with the compiled decoder),
     * 5 ms wait.
     */
    public static EngineOptions defaults() {
        return new EngineOptions(1024, FullQueuePolicy.BLOCK, 8192, 32, 8, Duration.ofMillis(5));
    }

    public EngineOptions withQueue(int capacity, FullQueuePolicy policy) {
        return new EngineOptions(
                capacity, policy, tokenBudget, maxBatch, maxGenerationBatch, maxWait);
    }

    public EngineOptions withBatching(int tokens, int batch, Duration wait) {
        return new EngineOptions(queueCapacity, whenFull, tokens, batch, maxGenerationBatch, wait);
    }
}
