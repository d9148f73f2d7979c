package dev.gemrag.model.it;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import dev.gemrag.model.llama.compiled.MultiTokenFormat;
import dev.gemrag.model.llama.compiled.WeightFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Prefill speed of the two multi-token formats on the default model, in one process and interleaved
 * (BF16, FP32, BF16, ... so that a load change on a shared machine hits both alike): one causal
 * pass plus the head at the last position over 128 and 512 tokens of the held-out prose, FP16
 * decode weights, 7 runs each; prints medians and bests side by side with the load average. Not a
 * test; run it as the README shows.
 */
public final class MultiTokenPrefillBenchmark {
    private static final int RUNS = 7;

    public static void main(String[] args) throws Exception {
        RealModel model = RealModel.get();
        String prose = LlamaCppReference.prose();
        int[] ids = model.tokenizer.encode(prose + "\n" + prose);
        try (LlamaModel lean =
                        LlamaModel.createLazy(
                                model.checkpoint.config(), model.checkpoint.weights());
                CompiledDecoder bf16 =
                        CompiledDecoder.create(lean, WeightFormat.FP16, MultiTokenFormat.BF16);
                CompiledDecoder fp32 = CompiledDecoder.create(model.llama, WeightFormat.FP16)) {
            CompiledDecoder[] decoders = {bf16, fp32};
            System.out.printf(
                    Locale.ROOT,
                    "%-22s %16s %16s %14s%n",
                    "prefill, tok/s",
                    "BF16 median/best",
                    "FP32 median/best",
                    "BF16/FP32 med");
            for (int n : new int[] {128, 512}) {
                double[][] tps = new double[2][RUNS];
                for (int r = -1; r < RUNS; r++) { // r = -1: warm-up
                    for (int k = 0; k < 2; k++) {
                        double t = prefillTokensPerSecond(model.llama, decoders[k], ids, n);
                        if (r >= 0) {
                            tps[k][r] = t;
                        }
                    }
                }
                double[] median = new double[2];
                double[] best = new double[2];
                for (int k = 0; k < 2; k++) {
                    Arrays.sort(tps[k]);
                    median[k] = tps[k][RUNS / 2];
                    best[k] = tps[k][RUNS - 1];
                }
                System.out.printf(
                        Locale.ROOT,
                        "%-22s %7.1f/%-8.1f %7.1f/%-8.1f %13.2fx%n",
                        n + " tokens",
                        median[0],
                        best[0],
                        median[1],
                        best[1],
                        median[0] / median[1]);
            }
            System.out.println(
                    "load average: " + Files.readString(Path.of("/proc/loadavg")).trim());
        }
    }

    private static double prefillTokensPerSecond(
            LlamaModel shapes, CompiledDecoder d, int[] ids, int n) {
        try (NDManager m = shapes.newManager()) {
            long[] tokens = new long[n];
            long[] pos = new long[n];
            for (int i = 0; i < n; i++) {
                tokens[i] = ids[i];
                pos[i] = i;
            }
            var a = m.create(tokens, new Shape(1, n));
            var p = m.create(pos, new Shape(1, n));
            var mask = AttentionMasks.causal(m, 1, n, 0, null);
            long start = System.nanoTime();
            d.logitsAt(a, p, mask, null, new int[] {n - 1}).getFloat(0, 0);
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }
}
