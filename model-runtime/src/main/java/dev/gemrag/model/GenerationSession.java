package dev.gemrag.model;

import java.util.List;
import java.util.Map;

/**
 * A running decode batch (continuous batching): prompts join between steps, every step produces one
 * token for each running row, and rows leave as soon as they finish. Each prompt gets the tokens it
 * would get alone. Not thread-safe: the batching engine's worker owns it.
 */
public interface GenerationSession extends AutoCloseable {

    /**
     * Prefills the prompts (already through the chat template) and adds them to the running batch;
     * returns one id per prompt, in order. A prompt may finish right away; its result comes from
     * the next {@link #step()}.
     */
    List<Long> join(List<String> prompts, GenerationParams params);

    /**
     * One decode step for every running row; returns the results of the rows that finished, by id.
     */
    Map<Long, GenerationResult> step();

    /**
     * Rows still decoding, plus finished ones whose results {@link #step()} has not returned yet.
     */
    int active();

    /**
     * Drops every row (e.g. after a failed step) and frees the cache; the session then takes new
     * rows.
     */
    @Override
    void close();
}
