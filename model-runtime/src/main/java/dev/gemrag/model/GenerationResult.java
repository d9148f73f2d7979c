package dev.gemrag.model;

import java.util.List;

/**
 * What one prompt produced.
 *
 * @param text decoded completion, stop token excluded
 * @param tokens completion token ids
 * @param promptTokens length of the prompt in tokens
 * @param finishReason "stop" (a stop token) or "length" (maxTokens reached)
 * @param prefillNanos time spent on the prompt
 * @param decodeNanos time spent producing the completion
 */
public record GenerationResult(
        String text,
        List<Integer> tokens,
        int promptTokens,
        String finishReason,
        long prefillNanos,
        long decodeNanos) {}
