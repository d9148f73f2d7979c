package dev.gemrag.model.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import java.util.List;

/**
 * How likely the model finds one continuation after each of several contexts: the mean
 * log-probability of the continuation's tokens, log p(continuation | context) / length. With the
 * question as the continuation and retrieved chunks as contexts this is query-likelihood reranking
 * (the model judges which chunk makes the question most expected), with the same weights that
 * generate.
 *
 * <p>All contexts go through one forward, left-padded so the shared continuation sits in the same
 * last columns of every row (padding masked out, positions from 0 at each row's first token, as in
 * the generator's prefill). Only the continuation's positions go through the output head.
 *
 * <p>Not thread-safe (the model is not): call it on the model's owner thread (the batching engine).
 */
public final class ContinuationScorer {
    private final LlamaModel model;
    private final CompiledDecoder compiled; // null: eager forward

    /**
     * @param compiled the compiled decoder over {@code model}'s weights, or null for the eager
     *     forward
     */
    public ContinuationScorer(LlamaModel model, CompiledDecoder compiled) {
        this.model = model;
        this.compiled = compiled;
    }

    /**
     * @param contexts token ids of each context (at least one token each)
     * @param continuation token ids of the continuation (at least one)
     * @return per context, the mean natural-log probability of the continuation's tokens
     */
    public double[] meanLogProb(List<int[]> contexts, int[] continuation) {
        int l = continuation.length;
        int b = contexts.size();
        if (l == 0) {
            throw new IllegalArgumentException("continuation must have at least one token");
        }
        if (b == 0) {
            return new double[0];
        }
        int t = 0;
        for (int[] c : contexts) {
            if (c.length == 0) {
                throw new IllegalArgumentException("every context needs at least one token");
            }
            t = Math.max(t, c.length + l);
        }
        long[] ids = new long[b * t];
        long[] pos = new long[b * t];
        int[] pad = new int[b];
        long[] targets = new long[b * l];
        for (int r = 0; r < b; r++) {
            int[] c = contexts.get(r);
            pad[r] = t - c.length - l;
            for (int col = pad[r]; col < t; col++) {
                int i = col - pad[r];
                ids[r * t + col] = i < c.length ? c[i] : continuation[i - c.length];
                pos[r * t + col] = i;
            }
            for (int j = 0; j < l; j++) {
                targets[r * l + j] = continuation[j];
            }
        }
        try (NDManager m = model.newManager()) {
            NDArray idArray = m.create(ids, new Shape(b, t));
            NDArray posArray = m.create(pos, new Shape(b, t));
            NDArray mask = AttentionMasks.causal(m, b, t, 0, pad);
            // the state at column c predicts the token at c + 1: the continuation's tokens sit at
            // [t - l, t)
            NDArray logits;
            if (compiled != null) {
                // the compiled head (a lean decoder holds no FP32 head), at those columns only
                long[] rows = new long[b * l];
                for (int r = 0; r < b; r++) {
                    for (int j = 0; j < l; j++) {
                        rows[r * l + j] = (long) r * t + t - l - 1 + j;
                    }
                }
                logits =
                        compiled.logitsAtRows(idArray, posArray, mask, null, rows)
                                .reshape(b, l, -1);
            } else {
                NDArray hidden = model.forward(idArray, posArray, mask, null);
                logits = model.logits(hidden.get(new NDIndex(":, {}:{}, :", t - l - 1, t - 1)));
            }
            NDArray logProbs = logits.toType(DataType.FLOAT32, false).logSoftmax(-1);
            NDArray picked = logProbs.gather(m.create(targets, new Shape(b, l, 1)), 2);
            float[] perRow = picked.reshape(b, l).mean(new int[] {1}).toFloatArray();
            double[] out = new double[b];
            for (int r = 0; r < b; r++) {
                out[r] = perRow[r];
            }
            return out;
        }
    }
}
