package dev.gemrag.model.llama.compiled;

import dev.gemrag.model.llama.TorchRuntime;
import java.util.Locale;

/**
 * How the compiled decoder holds its projection weights for decode steps (chosen with the system
 * property {@value #PROPERTY}; without it, {@link #DEFAULT}); calls of more than one token per row
 * and the embedding pass run on the {@link MultiTokenFormat} (FP32 weights: FP32 everywhere).
 *
 * <p>Measured (README, "Runtime benchmark"; GEMM CPU time per token, 1 thread, all 121 projections
 * and the head, on a Xeon with AVX512-BF16/AMX): one row FP32 16-18 ms, fbgemm FP16 8 ms, oneDNN
 * BF16 16-18 ms (since its weights are packed once, {@link PackedBf16}: 11-13 ms against FP16's 6-8
 * ms, 2 threads, Zen 4); 8 rows 44-46 / 14-16 / 16-18 ms; 64 rows 65 / 70-80 / 20 ms. So FP16 (the
 * default without native BF16; {@link #defaultFor}) packs the projections for decode steps and
 * leaves multi-token calls to the {@link MultiTokenFormat} (BF16 GEMMs run prefill 3x faster on
 * such a CPU; on an AVX2-only CPU they have no BF16 instructions); BF16 holds one BF16 copy instead
 * of the larger packed FP16 one, but its single-row decode is about half FP16's speed. FP32 is the
 * exact twin of the eager model. EAGER turns the compiled path off (the DJL op-by-op forward serves
 * everything). INT4 ({@code _weight_int4pack_mm_for_cpu} with BF16 activations) reads about a fifth
 * of FP16's packed bytes: all 120 projections of one decode step took 10-16 ms against fbgemm
 * FP16's 27-39 ms (1 row) and 28-31 against 40-52 ms (8 rows), same runs, 2 threads, load ~6; with
 * FP32 activations it falls back to a slow path, and for 128 rows it is 5-10x slower than BF16, so
 * like FP16 it serves decode steps only. FP16 and INT4 decode is batch-invariant (a row's logits
 * are bitwise the ones it gets alone, {@link CompiledDecoder#decodeStep}; checked in {@code
 * RealModelBatchInvarianceIT}; FP32 and BF16 are not checked); before that, a left-padded batch
 * differed from alone by ~2e-5 per logit, which INT4's BF16-rounded activations turned into 0.1-0.4
 * and other greedy tokens. INT4 is the default on CPUs with native BF16 ({@link #defaultFor}); its
 * greedy 48-token reply to {@code RealModelChatIT}'s default-system prompt leaves llama.cpp-F32's
 * at token 22, where FP32 prefers " travels" over " travel" by 0.013 logits and INT4 the other way
 * by 0.012 (BF16 activations, not batching), so that test holds INT4 to FP32's reply up to the
 * first near tie. Weight-only int8 ({@code _weight_int8pack_mm}, per output channel) was no faster
 * than fbgemm FP16.
 */
public enum WeightFormat {
    /**
     * fbgemm {@code quantized.linear_prepack_fp16} (weights rounded to FP16, activations FP32) for
     * decode steps.
     */
    FP16,
    /**
     * BF16 weights and GEMM inputs and outputs ({@code torch.linear} in BF16) for the projections
     * of decode steps (and of every call with BF16 multi-token calls: one copy); the head, norms,
     * RoPE, attention and the residual stream stay FP32.
     */
    BF16,
    /**
     * Projections as 4-bit groups of 32 ({@link Int4Weights}: libtorch's {@code
     * _weight_int4pack_mm_for_cpu}, BF16 activations) for decode steps; the head fbgemm FP16. A
     * Q4_1 GGUF's weights keep their own 4-bit codes.
     */
    INT4,
    /** {@code torch.linear} on the FP32 weights. */
    FP32,
    /** No compiled path: the eager {@code LlamaModel} forward. */
    EAGER;

    /** System property: {@code fp16}, {@code bf16}, {@code int4}, {@code fp32} or {@code eager}. */
    public static final String PROPERTY = "gemrag.model.weights";

    /**
     * The measured default for a CPU: {@link #INT4} where it has native BF16 ({@link
     * MultiTokenFormat#nativeBf16()}: AVX512-BF16 or AMX), {@link #FP16} elsewhere. On the Zen 4
     * with AVX512-BF16 (README "Runtime benchmark", 2 December evening, one idle run each) INT4
     * decoded 50.5 tokens/s at batch 1 against FP16's 44.4 and held 749 MiB peak against 1,024; at
     * batch 8 it was 11% behind (194.6 vs 219.5). Its BF16 activations move logits by about a
     * hundredth (perplexity +0.03-0.33%, top-1 99.3-99.5% of FP32), so near ties can resolve the
     * other way ({@code RealModelChatIT}). Without native BF16 INT4 was never measured here, and
     * fbgemm FP16 stays.
     */
    public static WeightFormat defaultFor(boolean nativeBf16) {
        return nativeBf16 ? INT4 : FP16;
    }

    /**
     * From {@value #PROPERTY}, or {@link #defaultFor} this CPU (FP32 on a CUDA device); an unknown
     * value is refused with the choices.
     */
    public static WeightFormat configured() {
        String v = System.getProperty(PROPERTY);
        if (isSet()) {
            return parse(v);
        }
        // fbgemm's FP16 and the INT4 kernel are CPU ops: on CUDA the FP32 script (unverified here)
        return TorchRuntime.defaultDevice().isGpu()
                ? FP32
                : defaultFor(MultiTokenFormat.nativeBf16());
    }

    /** Whether {@value #PROPERTY} is set (a choice the operator made, not the default). */
    public static boolean isSet() {
        String v = System.getProperty(PROPERTY);
        return v != null && !v.isBlank();
    }

    public static WeightFormat parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    PROPERTY + " must be fp16, bf16, int4, fp32 or eager, got '" + value + "'");
        }
    }
}
