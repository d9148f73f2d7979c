package dev.gemrag.model.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Keys and values of earlier tokens, preallocated to a fixed capacity so decoding writes in place
 * (no concatenation per step).
 *
 * <p>Per layer: K and V of shape {batch, kvHeads, capacity, headDim}. All rows share one slot
 * counter {@link #length()}: a forward with T new tokens writes slots {@code [length, length + T)}
 * and its mask must cover {@code length + T} key slots. Rows with different prompt lengths use
 * padding plus the mask (and their own positions), never different slot counters.
 *
 * <p>Owns native memory: close it (or the manager it was created under).
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int batch;
    private final int capacity;
    private final boolean frozen;
    private int length;

    KvCache(
            NDManager parent,
            Device device,
            int layers,
            int batch,
            int kvHeads,
            int capacity,
            int headDim) {
        if (batch <= 0 || capacity <= 0) {
            throw new IllegalArgumentException(
                    "KvCache needs positive batch and capacity, got " + batch + ", " + capacity);
        }
        this.manager = parent.newSubManager(device);
        this.frozen = false;
        this.batch = batch;
        this.capacity = capacity;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        Shape shape = new Shape(batch, kvHeads, capacity, headDim);
        for (int i = 0; i < layers; i++) {
            keys[i] = manager.zeros(shape, DataType.FLOAT32);
            values[i] = manager.zeros(shape, DataType.FLOAT32);
        }
    }

    private KvCache(NDManager manager, NDArray[] keys, NDArray[] values, int capacity, int length) {
        this(manager, keys, values, capacity, length, false);
    }

    private KvCache(
            NDManager manager,
            NDArray[] keys,
            NDArray[] values,
            int capacity,
            int length,
            boolean frozen) {
        this.frozen = frozen;
        this.manager = manager;
        this.keys = keys;
        this.values = values;
        this.batch = (int) keys[0].getShape().get(0);
        this.capacity = capacity;
        this.length = length;
    }

    /**
     * A new cache holding only the given rows (in that order), same capacity and length; this cache
     * is left as it is (close it if no longer needed). Lets a batch drop finished sequences.
     */
    public KvCache selectRows(int[] rows) {
        for (int r : rows) {
            if (r < 0 || r >= batch) {
                throw new IllegalArgumentException("row " + r + " outside [0, " + batch + ")");
            }
        }
        return copy(rows, capacity);
    }

    /**
     * A new cache with the same rows and entries and a larger capacity; this cache is left as it
     * is. Lets a generation start with a modest cache and grow it geometrically.
     */
    public KvCache withCapacity(int newCapacity) {
        if (newCapacity < length) {
            throw new IllegalArgumentException(
                    "capacity " + newCapacity + " is below the " + length + " filled slots");
        }
        int[] all = new int[batch];
        for (int i = 0; i < batch; i++) {
            all[i] = i;
        }
        return copy(all, newCapacity);
    }

    /**
     * A new cache with the rows of {@code parts} in order, right-aligned: every part's filled slots
     * end at slot {@code max(length)}, so a shorter part's rows gain that many zero slots in front
     * (padding: mask them or start those rows' attention after them, and shift those rows'
     * positions). The parts are left as they are; the result lives beside the first one. Lets
     * prompts prefilled one at a time (each alone, at its own length) decode as one batch.
     */
    public static KvCache stack(List<KvCache> parts, int minCapacity) {
        KvCache first = parts.get(0);
        int len = 0;
        int rows = 0;
        for (KvCache p : parts) {
            if (p.keys.length != first.keys.length) {
                throw new IllegalArgumentException(
                        "caches of " + first.keys.length + " and " + p.keys.length + " layers");
            }
            len = Math.max(len, p.length);
            rows += p.batch;
        }
        int cap = Math.max(minCapacity, len);
        NDManager target =
                first.manager.getParentManager().newSubManager(first.manager.getDevice());
        try {
            NDArray[] k = new NDArray[first.keys.length];
            NDArray[] v = new NDArray[first.values.length];
            for (int i = 0; i < k.length; i++) {
                Shape s = first.keys[i].getShape();
                Shape shape = new Shape(rows, s.get(1), cap, s.get(3));
                k[i] = target.zeros(shape, DataType.FLOAT32);
                v[i] = target.zeros(shape, DataType.FLOAT32);
                try (NDManager scope = target.newSubManager()) {
                    int row = 0;
                    for (KvCache p : parts) {
                        copyInto(k[i], p.keys[i], row, p.batch, len, p.length, scope);
                        copyInto(v[i], p.values[i], row, p.batch, len, p.length, scope);
                        row += p.batch;
                    }
                }
            }
            return new KvCache(target, k, v, cap, len);
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    /** dst[firstRow : firstRow+rows, :, end-filled : end] = src[:, :, 0 : filled]. */
    private static void copyInto(
            NDArray dst,
            NDArray src,
            int firstRow,
            int rows,
            int end,
            int filled,
            NDManager scope) {
        if (filled == 0) {
            return;
        }
        NDIndex to = new NDIndex("{}:{}, :, {}:{}", firstRow, firstRow + rows, end - filled, end);
        dst.set(to, src.get(scope, new NDIndex(":, :, 0:{}", filled)));
    }

    private KvCache copy(int[] rows, int newCapacity) {
        NDManager target = manager.getParentManager().newSubManager(manager.getDevice());
        try {
            long[] idx = new long[rows.length];
            for (int i = 0; i < rows.length; i++) {
                idx[i] = rows[i];
            }
            NDIndex filled = new NDIndex().addAllDim(2).addSliceDim(0, length);
            NDArray[] k = new NDArray[keys.length];
            NDArray[] v = new NDArray[values.length];
            try (NDManager scope = target.newSubManager()) {
                NDArray index = scope.create(idx);
                for (int i = 0; i < keys.length; i++) {
                    Shape s = keys[i].getShape();
                    Shape shape = new Shape(rows.length, s.get(1), newCapacity, s.get(3));
                    k[i] = target.zeros(shape, DataType.FLOAT32);
                    v[i] = target.zeros(shape, DataType.FLOAT32);
                    if (length > 0) {
                        k[i].set(filled, keys[i].get(scope, filled).get(new NDIndex("{}", index)));
                        v[i].set(
                                filled, values[i].get(scope, filled).get(new NDIndex("{}", index)));
                    }
                }
            }
            return new KvCache(target, k, v, newCapacity, length);
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    /**
     * A read-only view of the filled slots: a forward through it attends to them plus its own
     * tokens (keys/values concatenated, nothing written, length unchanged). For a differentiable
     * step after a no-gradient prefill (the GEM summary step in training): autograd then sees a
     * plain concatenation instead of in-place writes into a shared buffer. Closing the view frees
     * nothing; close this cache.
     */
    public KvCache frozenView() {
        return new KvCache(manager, keys, values, capacity, length, true);
    }

    public int batch() {
        return batch;
    }

    public int capacity() {
        return capacity;
    }

    /** Number of filled slots (the same for every row). */
    public int length() {
        return length;
    }

    /** Forgets all entries (memory is kept for reuse). */
    public void reset() {
        length = 0;
    }

    /**
     * Layer {@code layer}'s key array {batch, kvHeads, capacity, headDim}, written in place by a
     * forward.
     */
    public NDArray keys(int layer) {
        return keys[layer];
    }

    /** Layer {@code layer}'s value array, like {@link #keys}. */
    public NDArray values(int layer) {
        return values[layer];
    }

    /** Number of layers. */
    public int layers() {
        return keys.length;
    }

    /**
     * Throws unless T new tokens for {@code batchRows} rows fit (for forwards outside this
     * package).
     */
    public void checkRoom(int newTokens, long batchRows) {
        if (batchRows != batch) {
            throw new IllegalArgumentException(
                    "KvCache holds " + batch + " rows, forward got " + batchRows);
        }
        if (!frozen && length + newTokens > capacity) {
            throw new IllegalArgumentException(
                    "KvCache full: "
                            + length
                            + " + "
                            + newTokens
                            + " tokens exceed capacity "
                            + capacity);
        }
    }

    /**
     * Writes k, v {B, kvHeads, T, headDim} at slots [length, length+T) of a layer and returns views
     * of all filled slots, {B, kvHeads, length+T, headDim}, attached to {@code scope}.
     */
    NDArray[] append(int layer, NDArray k, NDArray v, NDManager scope) {
        if (frozen) {
            NDIndex filled = new NDIndex().addAllDim(2).addSliceDim(0, length);
            if (length == 0) {
                return new NDArray[] {k, v};
            }
            NDArray pk = keys[layer].get(scope, filled);
            NDArray pv = values[layer].get(scope, filled);
            return new NDArray[] {pk.concat(k, 2), pv.concat(v, 2)};
        }
        long t = k.getShape().get(2);
        NDIndex write = new NDIndex().addAllDim(2).addSliceDim(length, length + t);
        keys[layer].set(write, k);
        values[layer].set(write, v);
        NDIndex read = new NDIndex().addAllDim(2).addSliceDim(0, length + t);
        return new NDArray[] {keys[layer].get(scope, read), values[layer].get(scope, read)};
    }

    /** Called once per forward after all layers have written their T new slots. */
    public void advance(int newTokens) {
        if (frozen) {
            return;
        }
        length += newTokens;
    }

    @Override
    public void close() {
        if (frozen) {
            return;
        }
        manager.close();
    }
}
