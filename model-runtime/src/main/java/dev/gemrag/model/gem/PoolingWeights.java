package dev.gemrag.model.gem;

import dev.gemrag.model.Pooling;
import java.util.List;

/**
 * Pooling as a weight per position, {@code [batch, seqLen]}: the pooled vector of row b is {@code
 * sum_t w[b,t] * hidden[b,t,:]}, one batched matmul on the device.
 */
public final class PoolingWeights {
    private PoolingWeights() {}

    public static float[] of(List<GemLayout> rows, int seqLen, Pooling pooling) {
        float[] w = new float[rows.size() * seqLen];
        for (int b = 0; b < rows.size(); b++) {
            GemLayout r = rows.get(b);
            int base = b * seqLen;
            switch (pooling) {
                case GEM -> {
                    if (r.k() == 0) {
                        throw new IllegalArgumentException(
                                "GEM pooling needs summary tokens in row " + b);
                    }
                    for (int j = 0; j < r.k(); j++) {
                        w[base + r.prefix() + j] = 1f / r.k();
                    }
                }
                case MEAN -> {
                    requireText(r, b, pooling);
                    for (int t = 0; t < r.prefix(); t++) {
                        w[base + t] = 1f / r.prefix();
                    }
                }
                case LAST -> {
                    requireText(r, b, pooling);
                    w[base + r.prefix() - 1] = 1f;
                }
                default -> throw new IllegalArgumentException("unknown pooling " + pooling);
            }
        }
        return w;
    }

    private static void requireText(GemLayout r, int b, Pooling pooling) {
        if (r.prefix() == 0) {
            throw new IllegalArgumentException(
                    pooling + " pooling needs at least one text token in row " + b);
        }
    }

    /** Scales v to unit L2 norm in place (a zero vector stays zero) and returns it. */
    public static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum > 0) {
            float inv = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }
}
