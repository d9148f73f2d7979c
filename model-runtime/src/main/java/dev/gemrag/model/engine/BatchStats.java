package dev.gemrag.model.engine;

/**
 * What one batch did.
 *
 * @param kind QUERY / DOCUMENT embedding or GENERATE
 * @param size requests in the batch
 * @param tokens input tokens (without padding); for generation prompt + generated tokens
 * @param paddedTokens batch size x longest input (the work the device did for embeddings)
 * @param nanos wall time of the model call
 * @param failed whether the model call threw (the batch's futures failed)
 */
public record BatchStats(
        RequestKind kind, int size, long tokens, long paddedTokens, long nanos, boolean failed) {
    public double tokensPerSecond() {
        return nanos == 0 ? 0 : tokens * 1e9 / nanos;
    }
}
