package dev.gemrag.model.engine;

import dev.gemrag.model.GenerationParams;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One queued unit of work. {@code tokens} is the cost used for batching, counted by the caller's
 * thread. {@code contexts}: for {@link RequestKind#SCORE}, the texts {@code text} is scored after;
 * null otherwise. {@code ids}: an embedding input the caller already encoded ({@link
 * dev.gemrag.model.LanguageModel#embeddingTokens}), {@code text} then null; null otherwise.
 */
record Request(
        RequestKind kind,
        String text,
        int tokens,
        GenerationParams params,
        CompletableFuture<Object> future,
        long enqueuedNanos,
        List<String> contexts,
        int[] ids) {

    /** A request that is not a SCORE. */
    Request(
            RequestKind kind,
            String text,
            int tokens,
            GenerationParams params,
            CompletableFuture<Object> future,
            long enqueuedNanos) {
        this(kind, text, tokens, params, future, enqueuedNanos, null, null);
    }
}
