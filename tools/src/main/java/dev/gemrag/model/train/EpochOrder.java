package dev.gemrag.model.train;

import java.util.Random;

/**
 * A seeded visiting order over {@code size} items: epoch e is the shuffle seeded by {@code seed +
 * e}, so the items of any step can be rebuilt on resume without saving RNG state.
 */
final class EpochOrder {
    private final int size;
    private final long seed;
    private int cachedEpoch = -1;
    private int[] cachedOrder;

    EpochOrder(int size, long seed) {
        this.size = size;
        this.seed = seed;
    }

    /** Index of the {@code global}-th item visited (0-based, across epochs). */
    int at(long global) {
        return order((int) (global / size))[(int) (global % size)];
    }

    private int[] order(int epoch) {
        if (epoch != cachedEpoch) {
            int[] o = new int[size];
            for (int i = 0; i < o.length; i++) {
                o[i] = i;
            }
            Random r = new Random(seed + epoch);
            for (int i = o.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int tmp = o[i];
                o[i] = o[j];
                o[j] = tmp;
            }
            cachedOrder = o;
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }
}
