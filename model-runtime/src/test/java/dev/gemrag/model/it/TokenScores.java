package dev.gemrag.model.it;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.KvCache;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import dev.gemrag.model.llama.compiled.WeightFormat;

/**
 * Our forward's view of a token sequence, in one causal pass: for every position the arg-max token,
 * its log-prob lead over the runner-up (how near a tie the choice was) and the log-prob of the
 * actual next token. Positions and mask are parameters so a test can also show what a broken RoPE
 * or mask would score.
 */
record TokenScores(int[] top1, double[] lead, double[] nextLogprob) {

    static TokenScores causal(LlamaModel model, int[] ids) {
        long[] positions = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            positions[i] = i;
        }
        return of(model, ids, positions, (row, q, k) -> k <= q);
    }

    /** The same through the compiled decoder (its own head, e.g. FP16-packed). */
    static TokenScores causal(CompiledDecoder compiled, int[] ids) {
        long[] positions = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            positions[i] = i;
        }
        return of(compiled.model(), ids, positions, (row, q, k) -> k <= q, compiled);
    }

    static TokenScores of(LlamaModel model, int[] ids, long[] positions, AttentionMasks.Rule rule) {
        return of(model, ids, positions, rule, null);
    }

    /**
     * The same, one token per call through the KV cache: how the compiled decoder generates (with
     * FP16 weights only single-token calls use them; a whole-text pass would run FP32).
     */
    static TokenScores decoded(CompiledDecoder compiled, int[] ids) {
        LlamaModel model = compiled.model();
        int n = ids.length;
        int[] top1 = new int[n];
        double[] lead = new double[n];
        double[] next = new double[n - 1];
        try (NDManager m = model.newManager();
                KvCache cache = model.newCache(1, n)) {
            for (int i = 0; i < n; i++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray logits =
                            compiled.logitsAt(
                                    step.create(new long[] {ids[i]}, new Shape(1, 1)),
                                    step.create(new long[] {i}, new Shape(1, 1)),
                                    AttentionMasks.causal(step, 1, 1, i, null),
                                    cache,
                                    new int[] {0});
                    float[] lp = logits.logSoftmax(-1).toFloatArray();
                    top1[i] = argMax(lp, 0, lp.length);
                    lead[i] = lead(lp, 0, lp.length, top1[i]);
                    if (i < n - 1) {
                        next[i] = lp[ids[i + 1]];
                    }
                }
            }
        }
        return new TokenScores(top1, lead, next);
    }

    private static TokenScores of(
            LlamaModel model,
            int[] ids,
            long[] positions,
            AttentionMasks.Rule rule,
            CompiledDecoder compiled) {
        int n = ids.length;
        long[] longIds = new long[n];
        for (int i = 0; i < n; i++) {
            longIds[i] = ids[i];
        }
        try (NDManager m = model.newManager()) {
            NDArray input = m.create(longIds, new Shape(1, n));
            NDArray pos = m.create(positions, new Shape(1, n));
            NDArray mask = AttentionMasks.of(m, 1, n, n, rule);
            NDArray logits =
                    compiled != null
                            ? compiled.logits(input, pos, mask, null)
                            : model.logits(model.forward(input, pos, mask, null));
            NDArray logProbs = logits.reshape(n, -1).logSoftmax(-1);
            int vocab = (int) logProbs.getShape().get(1);
            float[] flat = logProbs.toFloatArray();
            int[] top1 = new int[n];
            double[] lead = new double[n];
            double[] next = new double[n - 1];
            for (int i = 0; i < n; i++) {
                int base = i * vocab;
                top1[i] = argMax(flat, base, vocab);
                lead[i] = lead(flat, base, vocab, top1[i]);
                if (i < n - 1) {
                    next[i] = flat[base + ids[i + 1]];
                }
            }
            return new TokenScores(top1, lead, next);
        }
    }

    /** The arg-max of {@code values[base .. base + n)}, as an offset from base. */
    static int argMax(float[] values, int base, int n) {
        int best = 0;
        for (int v = 1; v < n; v++) {
            if (values[base + v] > values[base + best]) {
                best = v;
            }
        }
        return best;
    }

    /** The largest |a[i] - b[i]| (how far two logit vectors are apart). */
    static double maxAbsDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /**
     * A lead (top-1 over runner-up, in logits = log-probs) below which a format whose GEMMs round
     * activations to BF16 may pick the other token: such formats move logits by about a hundredth
     * (INT4 turned FP32's 0.013 lead of " travels" over " travel" into 0.012 the other way).
     */
    static final double NEAR_TIE = 0.05;

    /**
     * Whether {@code format}'s decode steps round activations to BF16 (INT4, BF16), so that its
     * greedy tokens follow FP32's only up to the first {@link #NEAR_TIE}; FP16 rounds only the
     * weights and follows FP32's greedy tokens through near ties too.
     */
    static boolean roundsActivations(WeightFormat format) {
        return format == WeightFormat.INT4 || format == WeightFormat.BF16;
    }

    /** How far the arg-max of {@code values} is above the runner-up. */
    static double lead(float[] values) {
        return lead(values, 0, values.length, argMax(values, 0, values.length));
    }

    /** How far the best entry is above the runner-up. */
    private static double lead(float[] values, int base, int n, int best) {
        float second = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < n; v++) {
            if (v != best && values[base + v] > second) {
                second = values[base + v];
            }
        }
        return values[base + best] - second;
    }

    double perplexity() {
        return perplexity(nextLogprob);
    }

    static double perplexity(double[] nextLogprob) {
        double nll = 0;
        for (double lp : nextLogprob) {
            nll -= lp;
        }
        return Math.exp(nll / nextLogprob.length);
    }
}
