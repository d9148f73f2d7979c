package dev.gemrag.model.llama.compiled;

import java.util.Locale;

/**
 * How the compiled decoder holds its projection weights (chosen with the system property
 * {@value #PROPERTY}).
 *
 * <p>On this AVX2 CPU fbgemm's FP16-packed GEMM reads half the bytes of FP32 and wins for decode steps
 * (one token per row); for prefill FP32 sgemm is as fast or faster, so FP16 runs every multi-token call
 * (prefill, embedding) on the eager model's FP32 weights (README, "Runtime benchmark"). FP32 is the exact
 * twin of the eager model. EAGER turns the compiled path off (the DJL op-by-op forward serves everything).
 */
public enum WeightFormat {
    /**
     * fbgemm {@code quantized.linear_prepack_fp16} (weights rounded to FP16, activations FP32) for decode
     * steps; FP32 for prefill and embedding.
     */
    FP16,
    /** {@code torch.linear} on the FP32 weights. */
    FP32,
    /** No compiled path: the eager {@code LlamaModel} forward. */
    EAGER;

    /** System property: {@code fp16}, {@code fp32} or {@code eager}. */
    public static final String PROPERTY = "gemrag.model.weights";

    /** The measured default on CPU. */
    public static final WeightFormat DEFAULT = FP16;

    /** From {@value #PROPERTY}, or {@link #DEFAULT}; an unknown value is refused with the choices. */
    public static WeightFormat configured() {
        String v = System.getProperty(PROPERTY);
        return v == null || v.isBlank() ? DEFAULT : parse(v);
    }

    public static WeightFormat parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + " must be fp16, fp32 or eager, got '" + value + "'");
        }
    }
}
