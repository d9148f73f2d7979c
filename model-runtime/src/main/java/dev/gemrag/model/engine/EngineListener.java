package dev.gemrag.model.engine;

/**
 * Metrics hooks, called on the engine's threads: keep implementations cheap and non-blocking (e.g.
 * set a Flink gauge or update a histogram).
 */
public interface EngineListener {
    /** After every batch, successful or not. */
    default void onBatch(BatchStats stats) {}

    /** Requests waiting, after each enqueue and each batch taken. */
    default void onQueueDepth(int depth) {}

    /** A request refused because the queue was full (REJECT policy). */
    default void onRejected() {}
}
