package dev.gemrag.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.RopeScaling;

/**
 * Rotary position embedding. Pair j of a head rotates by angle {@code pos * theta^(-2j/headDim)};
 * which two dimensions form pair j depends on the {@link RopeLayout}: INTERLEAVED rotates (2j,
 * 2j+1), HALF_SPLIT rotates (j, j + headDim/2).
 *
 * <p>Computed as {@code x * C + partner(x) * S}, where partner(x) puts each dimension's pair
 * partner in its place and the tables hold, per dimension, cos(angle) and -sin/+sin (first/second
 * of the pair), laid out like the pairs. Six ops per call instead of splitting and re-joining
 * halves.
 *
 * <p>The per-pair speeds come from {@link dev.gemrag.model.LlamaConfig#ropeInverseFrequencies()}'s
 * source, {@link RopeScaling} (Llama 3.x scaling included); {@link #inverseFrequencies()}, {@link
 * #cosTable()} and {@link #sinTable()} expose them for other forwards (a compiled one) so every
 * path rotates the same way.
 */
final class Rope {
    private final RopeLayout layout;
    private final int headDim;
    private final int maxPositions;
    private final NDArray cosTable; // {maxPositions, headDim}
    private final NDArray sinTable; // {maxPositions, headDim}, signed
    private final float[] inverseFrequencies;

    Rope(RopeLayout layout, int headDim, float theta, int maxPositions, NDManager manager) {
        this(layout, headDim, theta, RopeScaling.none(), maxPositions, manager);
    }

    Rope(
            RopeLayout layout,
            int headDim,
            float theta,
            RopeScaling scaling,
            int maxPositions,
            NDManager manager) {
        this.layout = layout;
        this.inverseFrequencies = scaling.inverseFrequencies(headDim, theta);
        double[] speed = scaling.inverseFrequenciesExact(headDim, theta);
        this.headDim = headDim;
        this.maxPositions = maxPositions;
        int half = headDim / 2;
        float[] cos = new float[maxPositions * headDim];
        float[] sin = new float[maxPositions * headDim];
        for (int p = 0; p < maxPositions; p++) {
            for (int j = 0; j < half; j++) {
                double angle = p * speed[j];
                int first = layout == RopeLayout.INTERLEAVED ? 2 * j : j;
                int second = layout == RopeLayout.INTERLEAVED ? 2 * j + 1 : j + half;
                cos[p * headDim + first] = (float) Math.cos(angle);
                cos[p * headDim + second] = (float) Math.cos(angle);
                sin[p * headDim + first] = (float) -Math.sin(angle);
                sin[p * headDim + second] = (float) Math.sin(angle);
            }
        }
        cosTable = manager.create(cos, new Shape(maxPositions, headDim));
        sinTable = manager.create(sin, new Shape(maxPositions, headDim));
    }

    /** {maxPositions, headDim}: cos of each dimension's angle, laid out like the pairs. */
    NDArray cosTable() {
        return cosTable;
    }

    /** {maxPositions, headDim}: -sin / +sin for the first / second dimension of each pair. */
    NDArray sinTable() {
        return sinTable;
    }

    int maxPositions() {
        return maxPositions;
    }

    /** Radians per position of each pair j in [0, headDim/2), scaling included (a copy). */
    float[] inverseFrequencies() {
        return inverseFrequencies.clone();
    }

    RopeLayout layout() {
        return layout;
    }

    /**
     * Tables for int64 positions {B, T}: (C, S) shaped {B, 1, T, headDim}, then the same multiplied
     * by {@code queryScale} (the attention's 1/sqrt(d), folded in once per forward). In positions'
     * manager.
     */
    NDList angles(NDArray positions, float queryScale) {
        Shape s = positions.getShape();
        Shape target = new Shape(s.get(0), 1, s.get(1), headDim);
        NDArray cos =
                positions
                        .getNDArrayInternal()
                        .embedding(positions, cosTable, SparseFormat.DENSE)
                        .head()
                        .reshape(target);
        NDArray sin =
                positions
                        .getNDArrayInternal()
                        .embedding(positions, sinTable, SparseFormat.DENSE)
                        .head()
                        .reshape(target);
        return new NDList(cos, sin, cos.mul(queryScale), sin.mul(queryScale));
    }

    /**
     * Rotates x {B, heads, T, headDim}; {@code query} selects the scaled tables. Result in x's
     * manager.
     */
    NDArray apply(NDArray x, NDList angles, boolean query) {
        NDArray c = angles.get(query ? 2 : 0);
        NDArray s = angles.get(query ? 3 : 1);
        return x.mul(c).add(partner(x).mul(s));
    }

    private NDArray partner(NDArray x) {
        Shape shape = x.getShape();
        int half = headDim / 2;
        if (layout == RopeLayout.HALF_SPLIT) {
            return x.get(new NDIndex("..., {}:", half))
                    .concat(x.get(new NDIndex("..., :{}", half)), -1);
        }
        return x.reshape(shape.get(0), shape.get(1), shape.get(2), half, 2).flip(-1).reshape(shape);
    }
}
