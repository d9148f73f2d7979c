package dev.gemrag.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.gemrag.model.RopeLayout;

/**
 * Rotary position embedding. Pair j of a head rotates by angle {@code pos * theta^(-2j/headDim)};
 * which two dimensions form pair j depends on the {@link RopeLayout}:
 * INTERLEAVED rotates (2j, 2j+1), HALF_SPLIT rotates (j, j + headDim/2).
 */
final class Rope {
    private final RopeLayout layout;
    private final int headDim;
    private final int maxPositions;
    private final NDArray cosTable; // {maxPositions, headDim/2}
    private final NDArray sinTable;

    Rope(RopeLayout layout, int headDim, float theta, int maxPositions, NDManager manager) {
        this.layout = layout;
        this.headDim = headDim;
        this.maxPositions = maxPositions;
        int half = headDim / 2;
        float[] cos = new float[maxPositions * half];
        float[] sin = new float[maxPositions * half];
        for (int p = 0; p < maxPositions; p++) {
            for (int j = 0; j < half; j++) {
                double angle = p * Math.pow(theta, -2.0 * j / headDim);
                cos[p * half + j] = (float) Math.cos(angle);
                sin[p * half + j] = (float) Math.sin(angle);
            }
        }
        cosTable = manager.create(cos, new Shape(maxPositions, half));
        sinTable = manager.create(sin, new Shape(maxPositions, half));
    }

    int maxPositions() {
        return maxPositions;
    }

    /** cos and sin for int64 positions {B, T}, shaped {B, 1, T, headDim/2}; results in positions' manager. */
    NDList angles(NDArray positions) {
        Shape s = positions.getShape();
        Shape target = new Shape(s.get(0), 1, s.get(1), headDim / 2);
        NDArray cos = positions.getNDArrayInternal().embedding(positions, cosTable, SparseFormat.DENSE).head();
        NDArray sin = positions.getNDArrayInternal().embedding(positions, sinTable, SparseFormat.DENSE).head();
        return new NDList(cos.reshape(target), sin.reshape(target));
    }

    /** Rotates x {B, heads, T, headDim} with angles from {@link #angles}; result in x's manager. */
    NDArray apply(NDArray x, NDList angles) {
        NDArray cos = angles.get(0);
        NDArray sin = angles.get(1);
        Shape shape = x.getShape();
        int half = headDim / 2;
        if (layout == RopeLayout.HALF_SPLIT) {
            NDArray x1 = x.get(new NDIndex("..., :{}", half));
            NDArray x2 = x.get(new NDIndex("..., {}:", half));
            NDArray o1 = x1.mul(cos).sub(x2.mul(sin));
            NDArray o2 = x2.mul(cos).add(x1.mul(sin));
            return o1.concat(o2, -1);
        }
        NDArray pairs = x.reshape(shape.get(0), shape.get(1), shape.get(2), half, 2);
        NDArray x1 = pairs.get(new NDIndex("..., 0"));
        NDArray x2 = pairs.get(new NDIndex("..., 1"));
        NDArray o1 = x1.mul(cos).sub(x2.mul(sin));
        NDArray o2 = x2.mul(cos).add(x1.mul(sin));
        return o1.stack(o2, -1).reshape(shape);
    }
}
