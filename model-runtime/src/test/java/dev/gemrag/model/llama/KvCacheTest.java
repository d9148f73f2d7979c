package dev.gemrag.model.llama;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link KvCache#stack}: caches of different lengths become one batch, right-aligned. */
class KvCacheTest {
    private static final int HEAD_DIM = 2;

    @Test
    void stackRightAlignsPartsOfDifferentLengthsAndRows() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            KvCache a = filled(m, 1, 2, 3, 4); // 2 rows, 3 filled slots
            KvCache b = filled(m, 2, 1, 5, 6);
            KvCache c = filled(m, 3, 1, 1, 2);
            try (KvCache s = KvCache.stack(List.of(a, b, c), 8)) {
                assertThat(s.batch()).isEqualTo(4);
                assertThat(s.length()).isEqualTo(5);
                assertThat(s.capacity()).isEqualTo(8);
                // row -> (part, row in part, filled slots): slots end at 5, zeros in front and
                // after
                int[][] rows = {{1, 0, 3}, {1, 1, 3}, {2, 0, 5}, {3, 0, 1}};
                float[] keys = s.keys(0).toFloatArray();
                float[] values = s.values(0).toFloatArray();
                for (int r = 0; r < rows.length; r++) {
                    for (int slot = 0; slot < 8; slot++) {
                        int from = slot - (5 - rows[r][2]); // the part's own slot, if filled
                        for (int d = 0; d < HEAD_DIM; d++) {
                            int i = (r * 8 + slot) * HEAD_DIM + d;
                            boolean held = from >= 0 && from < rows[r][2];
                            float k = held ? value(rows[r][0], rows[r][1], from, d) : 0f;
                            assertThat(keys[i]).as("key row %d slot %d", r, slot).isEqualTo(k);
                            assertThat(values[i])
                                    .as("value row %d slot %d", r, slot)
                                    .isEqualTo(held ? -k : 0f);
                        }
                    }
                }
            }
            // the parts are left as they are
            assertThat(b.length()).isEqualTo(5);
            assertThat(b.keys(0).toFloatArray()[0]).isEqualTo(value(2, 0, 0, 0));
        }
    }

    /**
     * A one-layer, one-head cache whose first {@code length} slots hold value(...) (V: negated).
     */
    private static KvCache filled(NDManager m, int part, int rows, int length, int capacity) {
        KvCache cache = new KvCache(m, Device.cpu(), 1, rows, 1, capacity, HEAD_DIM);
        float[] k = new float[rows * length * HEAD_DIM];
        float[] v = new float[k.length];
        for (int r = 0; r < rows; r++) {
            for (int slot = 0; slot < length; slot++) {
                for (int d = 0; d < HEAD_DIM; d++) {
                    int i = (r * length + slot) * HEAD_DIM + d;
                    k[i] = value(part, r, slot, d);
                    v[i] = -k[i];
                }
            }
        }
        Shape shape = new Shape(rows, 1, length, HEAD_DIM);
        NDIndex filled = new NDIndex(":, :, 0:{}", length);
        cache.keys(0).set(filled, m.create(k, shape));
        cache.values(0).set(filled, m.create(v, shape));
        cache.advance(length);
        return cache;
    }

    private static float value(int part, int row, int slot, int d) {
        return 1000 * part + 100 * row + 10 * slot + d + 1;
    }
}
