package dev.gemrag.model.llama.compiled;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the compiled decoder's multi-token calls run on: prefill (more than one token per row), the
 * GEM embedding pass (its summary-position LoRA step included) and scoring. Decode steps (one token
 * per row) keep their {@link WeightFormat}; {@link WeightFormat#FP32} runs every call in FP32.
 *
 * <p>Chosen with the system property {@value #PROPERTY} ({@code auto}, the default, {@code bf16} or
 * {@code fp32}). {@code auto} is BF16 where the CPU has BF16 instructions (AVX512-BF16 or
 * AMX-BF16): there oneDNN's BF16 GEMM ran prefill 1.3-1.9x faster than FP32 sgemm (Zen 4, 128 / 512
 * tokens, interleaved in one process; ~3x on a Sapphire Rapids Xeon earlier) and the FP32
 * projections (~425 MB for the 135M model) are released (peak RSS 1,108-1,169 MiB instead of
 * 1,340-1,387 with FP16 decode weights). Without them (an AVX2-only CPU) oneDNN emulates BF16,
 * slower than FP32, so FP32 is kept. README "Runtime benchmark" has the runs.
 */
public enum MultiTokenFormat {
    /**
     * BF16 copies of the merged projections (GEMM inputs and outputs BF16; norms, RoPE, attention
     * and the residual stream FP32); the eager model's FP32 projections are released. With FP16 or
     * INT4 decode weights the logits read the decode steps' packed FP16 head and the FP32 token
     * embedding and head are released too (each call gathers its embedding rows from the
     * checkpoint); BF16 weights keep the FP32 head.
     */
    BF16,
    /** The eager model's FP32 projections (kept: the eager forward stays usable). */
    FP32;

    /** System property: {@code auto}, {@code bf16} or {@code fp32}. */
    public static final String PROPERTY = "gemrag.model.multi-token";

    /** The property this one replaced; refused so that an old setting is not silently ignored. */
    static final String REPLACED_PROPERTY = "gemrag.model.keep-fp32";

    /** {@code /proc/cpuinfo} flags of CPUs with native BF16 arithmetic. */
    private static final Set<String> NATIVE_BF16_FLAGS = Set.of("avx512_bf16", "amx_bf16");

    private static final Logger LOG = LoggerFactory.getLogger(MultiTokenFormat.class);

    /** From {@value #PROPERTY}; {@code auto} or unset: {@link #detected()}. */
    public static MultiTokenFormat configured() {
        if (System.getProperty(REPLACED_PROPERTY) != null) {
            throw new IllegalArgumentException(
                    REPLACED_PROPERTY
                            + " was replaced by "
                            + PROPERTY
                            + "=bf16|fp32 (keep-fp32=false is bf16)");
        }
        String v = System.getProperty(PROPERTY);
        return v == null || v.isBlank() || v.trim().equalsIgnoreCase("auto")
                ? detected()
                : parse(v);
    }

    public static MultiTokenFormat parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    PROPERTY + " must be auto, bf16 or fp32, got '" + value + "'");
        }
    }

    /** The choice for this machine's CPU, detected once (logged once). */
    public static MultiTokenFormat detected() {
        return Detected.CHOICE;
    }

    /**
     * Whether this machine's CPU has native BF16 arithmetic (a flag of {@link #nativeBf16Flag};
     * detected once): where oneDNN's BF16 kernels run natively.
     */
    public static boolean nativeBf16() {
        return Detected.FLAG != null;
    }

    /**
     * BF16 when {@code cpuinfo} (the text of {@code /proc/cpuinfo}) lists a native BF16 flag, else
     * FP32 (also for an empty text: a CPU whose features are unknown keeps FP32, the safe choice).
     */
    static MultiTokenFormat forCpu(String cpuinfo) {
        return nativeBf16Flag(cpuinfo) == null ? FP32 : BF16;
    }

    /** The first native BF16 flag on a {@code flags} line of {@code cpuinfo}, or null. */
    static String nativeBf16Flag(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).trim().equals("flags")) {
                continue;
            }
            for (String flag : line.substring(colon + 1).trim().split("\\s+")) {
                if (NATIVE_BF16_FLAGS.contains(flag)) {
                    return flag;
                }
            }
        }
        return null;
    }

    private static final class Detected {
        static final String FLAG = flag();
        static final MultiTokenFormat CHOICE = detect();

        private static String flag() {
            String cpuinfo;
            try {
                cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
            } catch (IOException | RuntimeException e) {
                cpuinfo = ""; // not Linux: no way to tell here
            }
            return nativeBf16Flag(cpuinfo);
        }

        private static MultiTokenFormat detect() {
            String flag = FLAG;
            if (flag != null) {
                LOG.info(
                        "multi-token calls (prefill, embedding, scoring) run on BF16 weights: the CPU"
                                + " has {} (set -D{}=fp32 to keep FP32)",
                        flag,
                        PROPERTY);
            } else {
                LOG.info(
                        "multi-token calls (prefill, embedding, scoring) run on FP32 weights: no"
                                + " native BF16 on this CPU (no {} flag; set -D{}=bf16 to force)",
                        String.join("/", NATIVE_BF16_FLAGS.stream().sorted().toList()),
                        PROPERTY);
            }
            return flag == null ? FP32 : BF16;
        }
    }
}
