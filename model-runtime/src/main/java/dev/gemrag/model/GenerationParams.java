package dev.gemrag.model;

/**
 * Sampling settings. temperature 0 means greedy; topP in (0, 1]; seed makes sampling repeatable.
 */
public record GenerationParams(int maxTokens, float temperature, float topP, long seed) {
    public GenerationParams {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        if (temperature < 0) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
    }

    public static GenerationParams greedy(int maxTokens) {
        return new GenerationParams(maxTokens, 0f, 1f, 0L);
    }
}
