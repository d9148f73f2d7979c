package dev.gemrag.model.engine;

import dev.gemrag.model.GenerationParams;
import java.util.concurrent.CompletableFuture;

/** One queued unit of work. {@code tokens} is the cost used for batching, counted by the caller's thread. */
record Request(RequestKind kind, String text, int tokens, GenerationParams params, CompletableFuture<Object> future,
        long enqueuedNanos) {
}
