package dev.gemrag.model.gem;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Device tensors for a right-padded batch: ids and positions {@code {B, T}} (int64, contiguous
 * positions 0..T-1, padding id 0) and the GEM mask {@code {B, 1, T, T}}. Used by embedding and
 * training.
 */
public record GemBatch(NDArray ids, NDArray positions, NDArray mask, int length) {

    public static GemBatch of(NDManager m, List<int[]> rows, List<GemLayout> layouts) {
        return of(m, rows, layouts, GemMasks.additive(layouts, GemMasks.maxLength(layouts)));
    }

    /** With a caller-built mask (tests, control variants). */
    public static GemBatch of(
            NDManager m, List<int[]> rows, List<GemLayout> layouts, float[] mask) {
        int b = rows.size();
        int t = GemMasks.maxLength(layouts);
        long[] ids = new long[b * t];
        long[] positions = new long[b * t];
        for (int r = 0; r < b; r++) {
            int[] row = rows.get(r);
            if (row.length != layouts.get(r).length()) {
                throw new IllegalArgumentException(
                        "row "
                                + r
                                + " has "
                                + row.length
                                + " ids but its layout "
                                + layouts.get(r)
                                + " says "
                                + layouts.get(r).length());
            }
            for (int i = 0; i < t; i++) {
                ids[r * t + i] = i < row.length ? row[i] : 0; // padding: any valid id, masked out
                positions[r * t + i] = i;
            }
        }
        return new GemBatch(
                m.create(ids, new Shape(b, t)),
                m.create(positions, new Shape(b, t)),
                m.create(mask, new Shape(b, 1, t, t)),
                t);
    }
}
