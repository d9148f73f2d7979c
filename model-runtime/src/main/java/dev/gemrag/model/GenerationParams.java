package dev.gemrag.model;

/**
 * Sampling settings. temperature 0 means greedy; topP in (0, 1]; seed makes sampling repeatable.
 *
 * <p>Repetition controls (each off at its neutral value) act on the logits of every step, also when
 * decoding greedily, and look only at the tokens this completion generated so far (not the prompt:
 * a grounded answer should be free to copy words from its sources):
 *
 * <ul>
 *   <li>{@code repetitionPenalty} (1 = off, Hugging Face / llama.cpp semantics): the logit of every
 *       token seen in the window is divided by it when positive, multiplied when negative;
 *   <li>{@code frequencyPenalty}, {@code presencePenalty} (0 = off, OpenAI / llama.cpp semantics):
 *       subtract count x frequency + presence from the logit of every token seen in the window;
 *   <li>{@code penaltyWindow}: the last N generated tokens these three look at (0 = all generated
 *       tokens);
 *   <li>{@code noRepeatNgram} (0 = off, Hugging Face semantics): a token that would repeat an
 *       n-gram already generated is banned;
 *   <li>{@code dryMultiplier} (0 = off), {@code dryBase}, {@code dryAllowedLength} (DRY, as in
 *       llama.cpp but without sequence breakers): a token that would extend a repeat of length L >=
 *       allowed length by one is penalised by multiplier x base^(L - allowed length).
 * </ul>
 *
 * Then {@code topK} (0 = off) and {@code minP} (0 = off, relative to the most likely token after
 * temperature) filter the candidates before top-p.
 */
public record GenerationParams(
        int maxTokens,
        float temperature,
        float topP,
        long seed,
        int topK,
        float minP,
        float repetitionPenalty,
        float frequencyPenalty,
        float presencePenalty,
        int penaltyWindow,
        int noRepeatNgram,
        float dryMultiplier,
        float dryBase,
        int dryAllowedLength)
        implements java.io.Serializable {

    public GenerationParams {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + topK);
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new IllegalArgumentException("minP must be in [0, 1), got " + minP);
        }
        if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException(
                    "repetitionPenalty must be > 0 (1 = off), got " + repetitionPenalty);
        }
        if (!Float.isFinite(frequencyPenalty) || !Float.isFinite(presencePenalty)) {
            throw new IllegalArgumentException(
                    "frequencyPenalty and presencePenalty must be finite, got "
                            + frequencyPenalty
                            + " and "
                            + presencePenalty);
        }
        if (penaltyWindow < 0) {
            throw new IllegalArgumentException(
                    "penaltyWindow must be >= 0 (0 = all generated tokens), got " + penaltyWindow);
        }
        if (noRepeatNgram < 0) {
            throw new IllegalArgumentException(
                    "noRepeatNgram must be >= 0 (0 = off), got " + noRepeatNgram);
        }
        if (!(dryMultiplier >= 0) || Float.isInfinite(dryMultiplier)) {
            throw new IllegalArgumentException(
                    "dryMultiplier must be >= 0 (0 = off), got " + dryMultiplier);
        }
        if (!(dryBase >= 1) || Float.isInfinite(dryBase)) {
            throw new IllegalArgumentException("dryBase must be >= 1, got " + dryBase);
        }
        if (dryAllowedLength < 1) {
            throw new IllegalArgumentException(
                    "dryAllowedLength must be >= 1, got " + dryAllowedLength);
        }
    }

    /**
     * Temperature and top-p only, every other control off (the settings before the repetition
     * controls).
     */
    public GenerationParams(int maxTokens, float temperature, float topP, long seed) {
        this(maxTokens, temperature, topP, seed, 0, 0f, 1f, 0f, 0f, 0, 0, 0f, 1.75f, 2);
    }

    public static GenerationParams greedy(int maxTokens) {
        return new GenerationParams(maxTokens, 0f, 1f, 0L);
    }

    /**
     * True when any control changes the logits before the choice (then greedy needs them on the
     * host).
     */
    public boolean penalises() {
        return repetitionPenalty != 1f
                || frequencyPenalty != 0f
                || presencePenalty != 0f
                || noRepeatNgram > 0
                || dryMultiplier > 0f;
    }

    public GenerationParams withMaxTokens(int n) {
        Copy c = new Copy(this);
        c.maxTokens = n;
        return c.build();
    }

    public GenerationParams withSampling(
            float temperature, float topP, int topK, float minP, long seed) {
        Copy c = new Copy(this);
        c.temperature = temperature;
        c.topP = topP;
        c.topK = topK;
        c.minP = minP;
        c.seed = seed;
        return c.build();
    }

    public GenerationParams withPenalties(
            float repetition, float frequency, float presence, int window) {
        Copy c = new Copy(this);
        c.repetitionPenalty = repetition;
        c.frequencyPenalty = frequency;
        c.presencePenalty = presence;
        c.penaltyWindow = window;
        return c.build();
    }

    public GenerationParams withNoRepeatNgram(int n) {
        Copy c = new Copy(this);
        c.noRepeatNgram = n;
        return c.build();
    }

    public GenerationParams withDry(float multiplier, float base, int allowedLength) {
        Copy c = new Copy(this);
        c.dryMultiplier = multiplier;
        c.dryBase = base;
        c.dryAllowedLength = allowedLength;
        return c.build();
    }

    /**
     * Every field, mutable: the one place that lists them all, so each wither names only its own;
     * {@link #build} validates once, on the result.
     */
    private static final class Copy {
        private int maxTokens;
        private float temperature;
        private float topP;
        private long seed;
        private int topK;
        private float minP;
        private float repetitionPenalty;
        private float frequencyPenalty;
        private float presencePenalty;
        private int penaltyWindow;
        private int noRepeatNgram;
        private float dryMultiplier;
        private float dryBase;
        private int dryAllowedLength;

        Copy(GenerationParams p) {
            maxTokens = p.maxTokens;
            temperature = p.temperature;
            topP = p.topP;
            seed = p.seed;
            topK = p.topK;
            minP = p.minP;
            repetitionPenalty = p.repetitionPenalty;
            frequencyPenalty = p.frequencyPenalty;
            presencePenalty = p.presencePenalty;
            penaltyWindow = p.penaltyWindow;
            noRepeatNgram = p.noRepeatNgram;
            dryMultiplier = p.dryMultiplier;
            dryBase = p.dryBase;
            dryAllowedLength = p.dryAllowedLength;
        }

        GenerationParams build() {
            return new GenerationParams(
                    maxTokens,
                    temperature,
                    topP,
                    seed,
                    topK,
                    minP,
                    repetitionPenalty,
                    frequencyPenalty,
                    presencePenalty,
                    penaltyWindow,
                    noRepeatNgram,
                    dryMultiplier,
                    dryBase,
                    dryAllowedLength);
        }
    }
}
