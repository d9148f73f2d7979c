package dev.gemrag.model.llama.compiled;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How the compiled decoder holds its projection weights (chosen with the system property
 * {@value #PROPERTY}; without it, {@link #measuredDefault()}).
 *
 * <p>Measured (README, "Runtime benchmark"): on a CPU with AVX512-BF16/AMX, oneDNN's BF16 GEMM is the fastest
 * at every size, decode and prefill alike; on an AVX2-only CPU it has no BF16 instructions and fbgemm's
 * FP16-packed GEMM wins for decode steps (one token per row) while FP32 sgemm is as fast or faster for prefill,
 * so FP16 runs every multi-token call on the eager model's FP32 weights. FP32 is the exact twin of the eager
 * model. EAGER turns the compiled path off (the DJL op-by-op forward serves everything). Weight-only int8/int4
 * ({@code _weight_int8pack_mm}, {@code _weight_int4pack_mm_for_cpu}) were measured too: 10-40x slower than BF16
 * with FP32 activations in libtorch 2.7.1 (scalar fallback); int4 with BF16 activations was on a par with
 * BF16 at batch 1-8 (noisy, same run) but 5-10x slower for 128 rows, so prefill would need a second copy of
 * the weights: neither is offered.
 */
public enum WeightFormat {
    /**
     * fbgemm {@code quantized.linear_prepack_fp16} (weights rounded to FP16, activations FP32) for decode
     * steps; FP32 for prefill and embedding.
     */
    FP16,
    /**
     * BF16 weights and GEMM inputs and outputs ({@code torch.linear} in BF16) for the projections, in prefill
     * and decode alike; the head, norms, RoPE, attention and the residual stream stay FP32; the embedding
     * forward runs on the FP32 weights.
     */
    BF16,
    /** {@code torch.linear} on the FP32 weights. */
    FP32,
    /** No compiled path: the eager {@code LlamaModel} forward. */
    EAGER;

    /** System property: {@code fp16}, {@code bf16}, {@code fp32} or {@code eager}. */
    public static final String PROPERTY = "gemrag.model.weights";

    /** CPU flags (Linux {@code /proc/cpuinfo}) under which BF16 GEMMs run in hardware. */
    private static final Set<String> BF16_FLAGS = Set.of("avx512_bf16", "amx_bf16");

    /** From {@value #PROPERTY}, or {@link #measuredDefault()}; an unknown value is refused with the choices. */
    public static WeightFormat configured() {
        String v = System.getProperty(PROPERTY);
        return v == null || v.isBlank() ? measuredDefault() : parse(v);
    }

    /** BF16 where the CPU computes BF16 in hardware, else FP16 (see the class comment for the measurements). */
    public static WeightFormat measuredDefault() {
        return forCpuFlags(cpuFlags());
    }

    static WeightFormat forCpuFlags(Set<String> flags) {
        return flags.stream().anyMatch(BF16_FLAGS::contains) ? BF16 : FP16;
    }

    /** The first processor's flags from /proc/cpuinfo; empty where there is none (not Linux). */
    static Set<String> cpuFlags() {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return Set.of();
        }
        try (Stream<String> lines = Files.lines(info)) {
            return lines.filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> Stream.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")).collect(Collectors.toSet()))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }

    public static WeightFormat parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + " must be fp16, bf16, fp32 or eager, got '" + value + "'");
        }
    }
}
