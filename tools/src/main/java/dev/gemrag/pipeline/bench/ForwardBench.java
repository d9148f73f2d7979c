package dev.gemrag.pipeline.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.generate.Sampler;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.KvCache;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;

/**
 * Our side of the runtime benchmark, measured exactly like {@code llamacpp_bench.py} measures
 * llama.cpp: prefill = one causal forward of the prompt plus the head at the last position; decode
 * = greedy arg-max, one token per row per step through the KV cache, never stopping early. Each
 * number is the best of {@code repeats} runs after one warm-up run. Runs the compiled decoder when
 * given one (what the runtime serves with), else the eager forward.
 */
public final class ForwardBench {
    private final LlamaModel model;
    private final CompiledDecoder compiled;
    private final int repeats;

    public ForwardBench(LlamaModel model, int repeats) {
        this(model, null, repeats);
    }

    /**
     * @param compiled null for the eager forward
     */
    public ForwardBench(LlamaModel model, CompiledDecoder compiled, int repeats) {
        this.model = model;
        this.compiled = compiled;
        this.repeats = repeats;
    }

    private NDArray logitsAt(NDArray ids, NDArray pos, NDArray mask, KvCache cache, int[] last) {
        if (compiled != null) {
            return compiled.logitsAt(ids, pos, mask, cache, last);
        }
        return model.logitsAt(model.forward(ids, pos, mask, cache), last);
    }

    /**
     * A decode step as the runtime serves it: compiled, each row attends to its own slots from
     * {@code firstSlot} (batch-invariant, {@link CompiledDecoder#decodeStep}); eager, with a mask.
     */
    private NDArray decodeStep(NDArray ids, NDArray pos, KvCache cache, int[] firstSlot) {
        if (compiled != null) {
            return compiled.decodeStep(ids, pos, cache, firstSlot);
        }
        NDArray mask =
                AttentionMasks.causal(
                        ids.getManager(), firstSlot.length, 1, cache.length(), firstSlot);
        return model.logitsAt(model.forward(ids, pos, mask, cache), new int[firstSlot.length]);
    }

    /** Prefill tokens/s for {@code prompt}. */
    public double prefillTokensPerSecond(int[] prompt) {
        int n = prompt.length;
        double best = Double.MAX_VALUE;
        for (int r = 0; r <= repeats; r++) {
            try (NDManager m = model.newManager()) {
                long t0 = System.nanoTime();
                NDArray ids = m.create(toLong(prompt), new Shape(1, n));
                NDArray pos = m.create(range(0, n), new Shape(1, n));
                NDArray mask = AttentionMasks.causal(m, 1, n, 0, null);
                logitsAt(ids, pos, mask, null, new int[] {n - 1}).argMax(-1).toLongArray();
                double s = (System.nanoTime() - t0) / 1e9;
                if (r > 0) {
                    best = Math.min(best, s);
                }
            }
        }
        return n / best;
    }

    /**
     * Decode tokens/s for {@code batch} rows (row s starts from the prompt rotated by s, as in the
     * llama.cpp script), {@code steps} tokens each after the prompt. Throughput = batch * steps /
     * time.
     */
    public double decodeTokensPerSecond(int[] prompt, int batch, int steps) {
        int n = prompt.length;
        long[] ids = new long[batch * n];
        for (int s = 0; s < batch; s++) {
            for (int i = 0; i < n; i++) {
                ids[s * n + i] = prompt[(i + s) % n];
            }
        }
        int[] last = new int[batch];
        java.util.Arrays.fill(last, n - 1);
        int[] zero = new int[batch]; // every row's first slot (no padding) and head index
        double best = Double.MAX_VALUE;
        for (int r = 0; r <= repeats; r++) {
            try (NDManager m = model.newManager();
                    KvCache cache = model.newCache(batch, n + steps)) {
                long[] next;
                try (NDManager step = m.newSubManager()) {
                    long[] pos = new long[batch * n];
                    for (int s = 0; s < batch; s++) {
                        System.arraycopy(range(0, n), 0, pos, s * n, n);
                    }
                    next =
                            logitsAt(
                                            step.create(ids, new Shape(batch, n)),
                                            step.create(pos, new Shape(batch, n)),
                                            AttentionMasks.causal(step, batch, n, 0, null),
                                            cache,
                                            last)
                                    .argMax(-1)
                                    .toLongArray();
                }
                long t0 = System.nanoTime();
                for (int k = 0; k < steps; k++) {
                    try (NDManager step = m.newSubManager()) {
                        long[] pos = new long[batch];
                        java.util.Arrays.fill(pos, n + k);
                        // greedy as the Generator picks it (Sampler: on the host)
                        next =
                                toLong(
                                        Sampler.argMaxRows(
                                                decodeStep(
                                                        step.create(next, new Shape(batch, 1)),
                                                        step.create(pos, new Shape(batch, 1)),
                                                        cache,
                                                        zero)));
                    }
                }
                double s = (System.nanoTime() - t0) / 1e9;
                if (r > 0) {
                    best = Math.min(best, s);
                }
            }
        }
        return (double) batch * steps / best;
    }

    private static long[] toLong(int[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    private static long[] range(int from, int to) {
        long[] out = new long[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }
}
