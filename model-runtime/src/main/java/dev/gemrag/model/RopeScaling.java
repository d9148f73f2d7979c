package dev.gemrag.model;

import java.util.Arrays;

/**
 * How a model rescales its RoPE frequencies beyond the plain {@code theta^(-2j/headDim)}: none, or
 * one divisor per rotated pair (Llama 3.x's {@code rope_type = llama3}). The divisors are what
 * llama.cpp applies (GGUF {@code rope_freqs.weight}: angle = pos * theta^(-2j/d) / divisor[j]); a
 * Hugging Face config's llama3 parameters are turned into the same divisors here, so both formats
 * run one code path.
 *
 * <p>Llama 3 rule (the original context {@code L}, factor {@code f}, low/high frequency factors
 * {@code lo, hi}): for a pair of wavelength {@code w = 2*pi/freq}, wavelengths shorter than {@code
 * L/hi} keep their frequency (divisor 1), longer than {@code L/lo} are divided by {@code f}, and
 * those between are interpolated with {@code s = (L/w - lo) / (hi - lo)}: {@code freq' = (1 - s) *
 * freq / f + s * freq}.
 */
public final class RopeScaling {
    private static final RopeScaling NONE = new RopeScaling("none", null);

    private final String description;
    private final float[] divisors; // null: no scaling

    private RopeScaling(String description, float[] divisors) {
        this.description = description;
        this.divisors = divisors;
    }

    public static RopeScaling none() {
        return NONE;
    }

    /**
     * Per-pair divisors as llama.cpp's {@code rope_freqs} tensor carries them (all must be
     * positive).
     */
    public static RopeScaling divisors(float[] divisors, String description) {
        for (float d : divisors) {
            if (!(d > 0) || Float.isInfinite(d)) {
                throw new IllegalArgumentException(
                        "RoPE frequency divisors must be positive and finite: "
                                + Arrays.toString(divisors));
            }
        }
        return new RopeScaling(description, divisors.clone());
    }

    /**
     * Llama 3.x scaling from config.json's {@code rope_scaling}, for a head of {@code headDim} and
     * base theta.
     */
    public static RopeScaling llama3(
            float factor,
            float lowFreqFactor,
            float highFreqFactor,
            int originalMaxPositions,
            int headDim,
            float theta) {
        if (!(factor >= 1)
                || !(lowFreqFactor > 0)
                || !(highFreqFactor > lowFreqFactor)
                || originalMaxPositions <= 0) {
            throw new IllegalArgumentException(
                    "invalid llama3 rope_scaling: factor "
                            + factor
                            + ", low_freq_factor "
                            + lowFreqFactor
                            + ", high_freq_factor "
                            + highFreqFactor
                            + ", original_max_position_embeddings "
                            + originalMaxPositions);
        }
        double lowWavelen = originalMaxPositions / (double) lowFreqFactor;
        double highWavelen = originalMaxPositions / (double) highFreqFactor;
        float[] d = new float[headDim / 2];
        for (int j = 0; j < d.length; j++) {
            double freq = Math.pow(theta, -2.0 * j / headDim);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) {
                d[j] = 1f;
            } else if (wavelen > lowWavelen) {
                d[j] = factor;
            } else {
                double smooth =
                        (originalMaxPositions / wavelen - lowFreqFactor)
                                / (highFreqFactor - lowFreqFactor);
                d[j] = (float) (1.0 / ((1 - smooth) / factor + smooth));
            }
        }
        return new RopeScaling(
                "llama3(factor "
                        + factor
                        + ", low "
                        + lowFreqFactor
                        + ", high "
                        + highFreqFactor
                        + ", original "
                        + originalMaxPositions
                        + ")",
                d);
    }

    public boolean isNone() {
        return divisors == null;
    }

    /**
     * The rotation speed of each pair j in [0, headDim/2), in radians per position: the one table
     * every forward (eager or compiled) builds its cos/sin from. FP32 copy of {@link
     * #inverseFrequenciesExact}.
     */
    public float[] inverseFrequencies(int headDim, float theta) {
        double[] exact = inverseFrequenciesExact(headDim, theta);
        float[] inv = new float[exact.length];
        for (int j = 0; j < inv.length; j++) {
            inv[j] = (float) exact[j];
        }
        return inv;
    }

    /**
     * As {@link #inverseFrequencies}, in double (the eager tables multiply positions in double,
     * then round).
     */
    public double[] inverseFrequenciesExact(int headDim, float theta) {
        int half = headDim / 2;
        if (divisors != null && divisors.length != half) {
            throw new IllegalArgumentException(
                    "RoPE scaling has " + divisors.length + " divisors, head needs " + half);
        }
        double[] inv = new double[half];
        for (int j = 0; j < half; j++) {
            double f = Math.pow(theta, -2.0 * j / headDim);
            inv[j] = divisors == null ? f : f / divisors[j];
        }
        return inv;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RopeScaling r && Arrays.equals(divisors, r.divisors);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(divisors);
    }

    @Override
    public String toString() {
        return description;
    }
}
