package dev.gemrag.model.llama.compiled;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.CheckpointLoader;
import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.KvCache;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.TorchRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Decode-step variants of the default model's FP16 script, compiled side by side in one process and
 * timed interleaved (variant after variant, round after round, so a load change hits all alike):
 * medians of the step as {@code ./gemrag bench} runs it (32-token prompt, greedy, arg-max on the
 * device), batch 1 and 8. A variant is a source edit of the script (some remove a part of the step
 * to show what it costs; their results are wrong). Not a test. Arguments: {@code threads rounds
 * steps variant...}; with {@code dump} as the only variant it prints the script.
 */
public final class DecodeStepAblation {
    private static final int PROMPT = 32;

    static Map<String, UnaryOperator<String>> variants() {
        Map<String, UnaryOperator<String>> v = new LinkedHashMap<>();
        v.put("current", UnaryOperator.identity());
        // cost probes: drop a part (wrong results, timing only)
        String sdpa =
                "torch.scaled_dot_product_attention(torch.reshape(q[r:r + 1], [1, 3, 3, 64]),"
                        + " k[r:r + 1, :, f:], v[r:r + 1, :, f:], None, 0.0, False, scale=None)";
        v.put("no-attention", s -> s.replace(sdpa, "torch.reshape(q[r:r + 1], [1, 3, 3, 64])"));
        v.put(
                "manual-attention",
                s ->
                        s.replace(
                                sdpa,
                                "torch.matmul(torch.softmax(torch.matmul(torch.reshape(q[r:r + 1], [1, 3, 3,"
                                        + " 64]), torch.transpose(k[r:r + 1, :, f:], 2, 3)) * 0.125, -1),"
                                        + " v[r:r + 1, :, f:])"));
        // each K/V head of each row its own call: one (batch, head) pair per call, so the fused
        // kernel's parallel_for (grain 1) runs inline instead of waking the other threads
        v.put(
                "per-head-attention",
                s ->
                        s.replace(
                                        "rows.append(" + sdpa + ")",
                                        "for g in range(3):\n"
                                                + "            rows.append(torch.scaled_dot_product_attention("
                                                + "torch.reshape(q[r:r + 1, 3 * g:3 * g + 3], [1, 1, 3, 64]),"
                                                + " k[r:r + 1, g:g + 1, f:], v[r:r + 1, g:g + 1, f:], None, 0.0,"
                                                + " False, scale=None))")
                                .replace(
                                        "torch.reshape(torch.cat(rows, 0), [b, 9, 1, 64])",
                                        "torch.reshape(torch.cat(rows, 1), [b, 9, 1, 64])"));
        // each row's attention twice (the copy is kept and dropped after the cat): what one call
        // costs inside a real step, without changing any value
        v.put(
                "attention-twice",
                s ->
                        s.replace(
                                        "rows.append(" + sdpa + ")",
                                        "rows.append("
                                                + sdpa
                                                + ")\n          rows.append("
                                                + sdpa
                                                + ")")
                                .replace(
                                        "torch.reshape(torch.cat(rows, 0), [b, 9, 1, 64])",
                                        "torch.reshape(torch.cat(rows, 0)[0:2 * b:2], [b, 9, 1, 64])"));
        v.put(
                "norm-twice",
                s ->
                        s.replaceAll(
                                "h = torch\\.rms_norm\\(x, (\\[576\\], norms\\[2 \\* i( \\+ 1)?\\], [^)]*)\\)",
                                "h = torch.rms_norm(torch.rms_norm(x, $1), $1)"));
        // bitwise-neutral candidates
        v.put(
                "narrow-cache",
                s ->
                        s.replace(
                                        "kc[:, :, start:start + t] = k",
                                        "torch.narrow(kc, 2, start, t).copy_(k)")
                                .replace(
                                        "vc[:, :, start:start + t] = v",
                                        "torch.narrow(vc, 2, start, t).copy_(v)")
                                .replace(
                                        "k = kc[:, :, 0:start + t]",
                                        "k = torch.narrow(kc, 2, 0, start + t)")
                                .replace(
                                        "v = vc[:, :, 0:start + t]",
                                        "v = torch.narrow(vc, 2, 0, start + t)"));
        v.put(
                "manual-norm",
                s ->
                        s.replaceAll(
                                "torch\\.rms_norm\\(x, \\[576\\], (norms\\[[^\\]]*\\]), ([^)]*)\\)",
                                "torch.mul(torch.mul(x, torch.rsqrt(torch.add(torch.mean(torch.mul(x, x), [-1], True), $2))), $1)"));
        v.put(
                "inplace-residual",
                s ->
                        s.replace("x = torch.add(x, o)", "x = x.add_(o)")
                                .replace("x = torch.add(x, d)", "x = x.add_(d)"));
        v.put(
                "split",
                s ->
                        s.replace(
                                        "q = qkv[:, :, 0:576]\n        k = qkv[:, :, 576:768]\n        v = qkv[:, :, 768:960]",
                                        "q, k, v = torch.split_with_sizes(qkv, [576, 192, 192], -1)")
                                .replace(
                                        "g = gu[:, :, 0:1536]\n        u = gu[:, :, 1536:3072]",
                                        "g, u = torch.split_with_sizes(gu, [1536, 1536], -1)"));
        UnaryOperator<String> lean = UnaryOperator.identity();
        for (String n : new String[] {"narrow-cache", "manual-norm", "inplace-residual", "split"}) {
            UnaryOperator<String> prev = lean;
            UnaryOperator<String> next = v.get(n);
            lean = s -> next.apply(prev.apply(s));
        }
        v.put("lean", lean);
        v.put(
                "no-norm",
                s ->
                        s.replaceAll(
                                "h = torch\\.rms_norm\\(x, \\[576\\], norms\\[2 \\* i( \\+ 1)?\\],"
                                        + " [^)]*\\)",
                                "h = x"));
        return v;
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        TorchRuntime.configureThreads(threads);
        Checkpoint cp = CheckpointLoader.load(DefaultModel.path());
        LlamaModel llama = LlamaModel.create(cp.config(), cp.weights());
        if (args.length == 4 && args[3].equals("dump")) {
            System.out.println(DecoderScript.methods(cp.config(), WeightFormat.FP16, false, false));
            return;
        }
        Map<String, UnaryOperator<String>> all = variants();
        List<String> names = new ArrayList<>(Arrays.asList(args).subList(3, args.length));
        List<CompiledDecoder> decoders = new ArrayList<>();
        for (String n : names) {
            // "+share": adjacent rows with the same first slot share an attention call
            boolean share = n.endsWith("+share");
            String script = share ? n.substring(0, n.length() - "+share".length()) : n;
            if (!all.containsKey(script)) {
                throw new IllegalArgumentException(
                        "unknown variant " + n + ", have " + all.keySet());
            }
            String base = DecoderScript.methods(cp.config(), WeightFormat.FP16, false, false);
            if (!script.equals("current") && all.get(script).apply(base).equals(base)) {
                throw new IllegalStateException(
                        "variant " + script + " does not change the script");
            }
            decoders.add(
                    CompiledDecoder.create(
                                    llama,
                                    WeightFormat.FP16,
                                    MultiTokenFormat.FP32,
                                    all.get(script))
                            .shareAttentionCalls(share));
        }
        System.out.println(
                "threads "
                        + threads
                        + ", MKL_CBWR "
                        + System.getenv("MKL_CBWR")
                        + ", load "
                        + load());
        for (int batch : new int[] {1, 8}) {
            double[][] ms = new double[names.size()][rounds * steps];
            double[] cpu = new double[names.size()]; // process CPU ms over the measured steps
            float[][][] last = new float[names.size()][1][];
            for (int r = -1; r < rounds; r++) { // r = -1: warm-up
                for (int k = 0; k < names.size(); k++) {
                    long c0 = cpuNanos();
                    double[] t = steps(llama, decoders.get(k), batch, steps, last[k]);
                    if (r >= 0) {
                        cpu[k] += (cpuNanos() - c0) / 1e6;
                    }
                    if (r >= 0) {
                        System.arraycopy(t, 0, ms[k], r * steps, steps);
                    }
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "batch %d (%d rounds x %d steps), load %s%n",
                    batch,
                    rounds,
                    steps,
                    load());
            for (int k = 0; k < names.size(); k++) {
                double med = median(ms[k]);
                System.out.printf(
                        Locale.ROOT,
                        "  %-28s median %7.2f ms/step  %7.1f tok/s  (%+.2f ms vs first), CPU"
                                + " %7.2f ms/step (%+.2f), last step's logits vs first's: max |diff|"
                                + " %.3g%n",
                        names.get(k),
                        med,
                        batch * 1000 / med,
                        med - median(ms[0]),
                        cpu[k] / (rounds * steps),
                        (cpu[k] - cpu[0]) / (rounds * steps),
                        maxAbsDiff(last[k][0], last[0][0]));
            }
        }
        for (CompiledDecoder d : decoders) {
            d.close();
        }
    }

    /** ms of each decode step after a 32-token prefill, as ForwardBench runs them. */
    static double[] steps(LlamaModel llama, CompiledDecoder d, int batch, int steps) {
        return steps(llama, d, batch, steps, null);
    }

    /**
     * @param lastLogits when not null, receives the last step's logits (all rows, row-major)
     */
    static double[] steps(
            LlamaModel llama, CompiledDecoder d, int batch, int steps, float[][] lastLogits) {
        double[] out = new double[steps];
        try (NDManager m = llama.newManager();
                KvCache cache = llama.newCache(batch, PROMPT + steps)) {
            long[] ids = new long[batch * PROMPT];
            long[] pos = new long[batch * PROMPT];
            for (int s = 0; s < batch; s++) {
                for (int i = 0; i < PROMPT; i++) {
                    ids[s * PROMPT + i] = 100 + 37 * ((i + s) % PROMPT);
                    pos[s * PROMPT + i] = i;
                }
            }
            int[] last = new int[batch];
            Arrays.fill(last, PROMPT - 1);
            long[] next;
            try (NDManager step = m.newSubManager()) {
                next =
                        d.logitsAt(
                                        step.create(ids, new Shape(batch, PROMPT)),
                                        step.create(pos, new Shape(batch, PROMPT)),
                                        AttentionMasks.causal(step, batch, PROMPT, 0, null),
                                        cache,
                                        last)
                                .argMax(-1)
                                .toLongArray();
            }
            int[] zero = new int[batch];
            for (int k = 0; k < steps; k++) {
                try (NDManager step = m.newSubManager()) {
                    long t0 = System.nanoTime();
                    long[] p = new long[batch];
                    Arrays.fill(p, PROMPT + k);
                    NDArray logits =
                            d.decodeStep(
                                    step.create(next, new Shape(batch, 1)),
                                    step.create(p, new Shape(batch, 1)),
                                    cache,
                                    zero);
                    next = logits.argMax(-1).toLongArray();
                    out[k] = (System.nanoTime() - t0) / 1e6;
                    if (lastLogits != null && k == steps - 1) {
                        lastLogits[0] = logits.toFloatArray();
                    }
                }
            }
        }
        return out;
    }

    /**
     * CPU time of the whole process (both torch threads; sleeping OpenMP threads use none): under
     * load it moves far less than wall time, which waits for the other programs' time slices.
     */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static String load() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
