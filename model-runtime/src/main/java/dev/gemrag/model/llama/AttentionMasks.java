package dev.gemrag.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Builders for the additive masks {@link LlamaModel#forward} takes: 0 where a query may attend to a
 * key slot, {@link LlamaModel#MASKED} where not. Built on the host (a few KB) and copied once.
 */
public final class AttentionMasks {
    private AttentionMasks() {}

    /** Decides whether query t of row b may see key slot s. */
    @FunctionalInterface
    public interface Rule {
        boolean allowed(int row, int query, int key);
    }

    /** Any pattern: {batch, 1, queries, keys}. */
    public static NDArray of(NDManager manager, int batch, int queries, int keys, Rule rule) {
        float[] data = new float[batch * queries * keys];
        int i = 0;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < queries; t++) {
                for (int s = 0; s < keys; s++) {
                    data[i++] = rule.allowed(b, t, s) ? 0f : LlamaModel.MASKED;
                }
            }
        }
        return manager.create(data, new Shape(batch, 1, queries, keys));
    }

    /**
     * Causal mask for T new tokens after {@code past} cached slots, where row b's first {@code
     * leftPad[b]} slots are padding nobody may see (a padded query still sees itself so its softmax
     * stays finite). leftPad may be null (no padding).
     */
    public static NDArray causal(
            NDManager manager, int batch, int queries, int past, int[] leftPad) {
        return of(
                manager,
                batch,
                queries,
                past + queries,
                (b, t, s) -> {
                    int self = past + t;
                    if (s > self) {
                        return false;
                    }
                    return s == self || leftPad == null || s >= leftPad[b];
                });
    }
}
