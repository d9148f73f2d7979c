package dev.gemrag.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Llama 3 RoPE scaling on hand-computed values. */
class RopeScalingTest {
    @Test
    void llama3DividesLowFrequenciesKeepsHighOnesAndBlendsBetween() {
        // headDim 8, theta 10000: speeds 1, 0.1, 0.01, 0.001 -> wavelengths 6.28, 62.8, 628, 6283.
        // original 256, low 1, high 8: wavelength < 32 kept, > 256 divided by 8, between blended.
        RopeScaling s = RopeScaling.llama3(8f, 1f, 8f, 256, 8, 10000f);
        double[] inv = s.inverseFrequenciesExact(8, 10000f);
        assertThat(inv[0]).isCloseTo(1.0, within(1e-12));
        double wavelen = 2 * Math.PI / 0.1;
        double smooth = (256 / wavelen - 1) / (8 - 1); // 0.4397
        assertThat(inv[1]).isCloseTo((1 - smooth) * 0.1 / 8 + smooth * 0.1, within(1e-7));
        assertThat(inv[2]).isCloseTo(0.01 / 8, within(1e-9));
        assertThat(inv[3]).isCloseTo(0.001 / 8, within(1e-10));
    }

    @Test
    void noneIsPlainRopeAndDivisorsComeFromTheFile() {
        assertThat(RopeScaling.none().inverseFrequencies(4, 100f)).containsExactly(1f, 0.1f);
        RopeScaling file = RopeScaling.divisors(new float[] {1f, 4f}, "rope_freqs");
        assertThat(file.inverseFrequencies(4, 100f)).containsExactly(1f, 0.025f);
        assertThat(file).isEqualTo(RopeScaling.divisors(new float[] {1f, 4f}, "other name"));
        assertThatThrownBy(() -> file.inverseFrequencies(8, 100f))
                .hasMessageContaining("2 divisors, head needs 4");
        assertThatThrownBy(() -> RopeScaling.divisors(new float[] {0f}, "x"))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> RopeScaling.llama3(8f, 4f, 1f, 8192, 8, 1e4f))
                .hasMessageContaining("invalid llama3");
    }

    @Test
    void configExposesTheFrequenciesAndPlainness() {
        LlamaConfig plain =
                new LlamaConfig(
                        "llama",
                        10,
                        8,
                        16,
                        4,
                        2,
                        1,
                        4,
                        1e-5f,
                        100f,
                        64,
                        true,
                        false,
                        RopeLayout.INTERLEAVED);
        assertThat(plain.isPlainLlama()).isTrue();
        assertThat(plain.ropeInverseFrequencies()).containsExactly(1f, 0.1f);
        LlamaConfig scaled = plain.withRopeScaling(RopeScaling.divisors(new float[] {1f, 2f}, "f"));
        assertThat(scaled.isPlainLlama()).as("scaling lives in the tables").isTrue();
        assertThat(scaled.ropeInverseFrequencies()).containsExactly(1f, 0.05f);
        assertThat(plain.withFeatures(true, 0).isPlainLlama()).isFalse();
        LlamaConfig nope = plain.withFeatures(false, 4);
        assertThat(nope.isPlainLlama()).isFalse();
        assertThat(nope.usesRope(0)).isTrue();
        assertThat(nope.usesRope(3)).isFalse();
    }
}
