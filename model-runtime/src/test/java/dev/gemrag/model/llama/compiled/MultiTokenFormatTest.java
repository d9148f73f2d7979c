package dev.gemrag.model.llama.compiled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.model.testing.SystemPropertyScope;
import org.junit.jupiter.api.Test;

/** The multi-token format's CPU detection (on /proc/cpuinfo texts) and its setting. */
class MultiTokenFormatTest {
    private static final String AVX2_ONLY =
            "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) CPU E5-2690 v4\n"
                    + "flags\t\t: fpu vme sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2\n"
                    + "bugs\t\t: spectre_v1\n";
    private static final String AVX512_WITHOUT_BF16 =
            "flags\t\t: fpu avx avx2 avx512f avx512dq avx512bw avx512vl avx512_vnni\n";
    private static final String ZEN4 =
            "flags\t\t: fpu avx2 avx512f avx512bw avx512vl avx512_bf16 clzero\n";
    private static final String SAPPHIRE_RAPIDS =
            "flags\t\t: fpu avx2 avx512f amx_bf16 amx_tile amx_int8\n";

    @Test
    void bf16OnlyWhereTheCpuHasNativeBf16Instructions() {
        assertThat(MultiTokenFormat.forCpu(AVX2_ONLY)).isEqualTo(MultiTokenFormat.FP32);
        // AVX-512 alone: oneDNN would emulate BF16
        assertThat(MultiTokenFormat.forCpu(AVX512_WITHOUT_BF16)).isEqualTo(MultiTokenFormat.FP32);
        assertThat(MultiTokenFormat.forCpu(ZEN4)).isEqualTo(MultiTokenFormat.BF16);
        assertThat(MultiTokenFormat.nativeBf16Flag(ZEN4)).isEqualTo("avx512_bf16");
        assertThat(MultiTokenFormat.forCpu(SAPPHIRE_RAPIDS)).isEqualTo(MultiTokenFormat.BF16);
        assertThat(MultiTokenFormat.forCpu("")).isEqualTo(MultiTokenFormat.FP32);
        // a flag name elsewhere than on a flags line does not count
        assertThat(MultiTokenFormat.forCpu("model name\t: avx512_bf16 engineering sample\n"))
                .isEqualTo(MultiTokenFormat.FP32);
    }

    @Test
    void theSettingForcesEitherAndRefusesTheReplacedOne() {
        try (SystemPropertyScope p = SystemPropertyScope.set(MultiTokenFormat.PROPERTY, " BF16 ")) {
            assertThat(MultiTokenFormat.configured()).isEqualTo(MultiTokenFormat.BF16);
            System.setProperty(MultiTokenFormat.PROPERTY, "fp32");
            assertThat(MultiTokenFormat.configured()).isEqualTo(MultiTokenFormat.FP32);
            System.setProperty(MultiTokenFormat.PROPERTY, "auto");
            assertThat(MultiTokenFormat.configured()).isEqualTo(MultiTokenFormat.detected());
            System.setProperty(MultiTokenFormat.PROPERTY, "fp16");
            assertThatThrownBy(MultiTokenFormat::configured)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("gemrag.model.multi-token must be auto, bf16 or fp32, got 'fp16'");
            try (SystemPropertyScope old =
                    SystemPropertyScope.set(MultiTokenFormat.REPLACED_PROPERTY, "false")) {
                assertThatThrownBy(MultiTokenFormat::configured)
                        .hasMessageContaining("replaced by gemrag.model.multi-token=bf16|fp32");
            }
        }
    }
}
