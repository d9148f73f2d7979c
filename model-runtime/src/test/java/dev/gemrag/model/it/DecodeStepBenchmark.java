package dev.gemrag.model.it;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.model.generate.Sampler;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.KvCache;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.TorchRuntime;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import dev.gemrag.model.llama.compiled.WeightFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a decode step of the default path goes, as {@code ./gemrag bench} runs it (a 32-token
 * prompt prefilled, then greedy steps with the arg-max taken on the device): the Java side of a
 * step split into its parts (medians), and libtorch's profiler (through DJL's {@code
 * JniUtils.startProfile}) summed per op name over 16 steps, at batch 1 and 8. Not a test; run it as
 * the README shows ("What a decode step costs"). Arguments: {@code [threads=2] [steps=48]
 * [profile=true]}.
 */
public final class DecodeStepBenchmark {
    private static final int PROMPT = 32;

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 48;
        boolean profile = args.length <= 2 || Boolean.parseBoolean(args[2]);
        TorchRuntime.configureThreads(threads);
        RealModel model = RealModel.get();
        int[] prompt = Arrays.copyOf(model.tokenizer.encode(LlamaCppReference.prose()), PROMPT);
        CompiledDecoder d = model.compiled;
        if (d == null || d.format() == WeightFormat.EAGER) {
            throw new IllegalStateException("needs a compiled format");
        }
        System.out.println("format " + d.format() + ", threads " + threads + ", load " + load());
        for (int batch : new int[] {1, 8}) {
            javaSide(model.llama, d, prompt, batch, steps);
        }
        if (profile) {
            for (int batch : new int[] {1, 8}) {
                profile(model.llama, d, prompt, batch, 16);
            }
        }
        System.out.println("load average at the end: " + load());
    }

    /** Medians per step of: building the ids/positions arrays, the compiled call, the arg-max. */
    private static void javaSide(
            LlamaModel llama, CompiledDecoder d, int[] prompt, int batch, int steps)
            throws Exception {
        double[] create = new double[steps];
        double[] call = new double[steps];
        double[] argmax = new double[steps];
        double[] hostLogits = new double[steps];
        double[] hostArgmax = new double[steps];
        double[] total = new double[steps];
        try (NDManager m = llama.newManager();
                KvCache cache = llama.newCache(batch, PROMPT + steps + 1)) {
            long[] next = prefill(d, m, prompt, batch, cache);
            int[] zero = new int[batch];
            for (int k = 0; k < steps; k++) {
                try (NDManager step = m.newSubManager()) {
                    long t0 = System.nanoTime();
                    long[] pos = new long[batch];
                    Arrays.fill(pos, PROMPT + k);
                    NDArray ids = step.create(next, new Shape(batch, 1));
                    NDArray p = step.create(pos, new Shape(batch, 1));
                    long t1 = System.nanoTime();
                    NDArray logits = d.decodeStep(ids, p, cache, zero);
                    long t2 = System.nanoTime();
                    next = logits.argMax(-1).toLongArray();
                    long t3 = System.nanoTime();
                    logits.toFloatArray(); // what a sampled (non-greedy) step copies to the host
                    long t4 = System.nanoTime();
                    long[] device = next;
                    int[] host = Sampler.argMaxRows(logits); // the same, copied and scanned
                    hostArgmax[k] = (System.nanoTime() - t4) / 1e6;
                    for (int r = 0; r < batch; r++) {
                        if (host[r] != device[r]) {
                            throw new IllegalStateException("host and device argmax differ");
                        }
                    }
                    create[k] = (t1 - t0) / 1e6;
                    call[k] = (t2 - t1) / 1e6;
                    argmax[k] = (t3 - t2) / 1e6;
                    hostLogits[k] = (t4 - t3) / 1e6;
                    total[k] = (t3 - t0) / 1e6;
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "batch %d, %d steps, medians ms: step %.2f (%.1f tok/s) = arrays %.3f + call %.2f +"
                        + " argmax %.3f; host logits copy %.3f; host copy + argmax %.3f; load %s%n",
                batch,
                steps,
                median(total),
                batch * 1000 / median(total),
                median(create),
                median(call),
                median(argmax),
                median(hostLogits),
                median(hostArgmax),
                load());
    }

    private static long[] prefill(
            CompiledDecoder d, NDManager m, int[] prompt, int batch, KvCache cache) {
        int n = prompt.length;
        long[] ids = new long[batch * n];
        long[] pos = new long[batch * n];
        for (int s = 0; s < batch; s++) {
            for (int i = 0; i < n; i++) {
                ids[s * n + i] = prompt[(i + s) % n];
                pos[s * n + i] = i;
            }
        }
        int[] last = new int[batch];
        Arrays.fill(last, n - 1);
        try (NDManager step = m.newSubManager()) {
            return d.logitsAt(
                            step.create(ids, new Shape(batch, n)),
                            step.create(pos, new Shape(batch, n)),
                            AttentionMasks.causal(step, batch, n, 0, null),
                            cache,
                            last)
                    .argMax(-1)
                    .toLongArray();
        }
    }

    /** libtorch's profiler over {@code steps} steps: per op name, ms and calls per step. */
    private static void profile(
            LlamaModel llama, CompiledDecoder d, int[] prompt, int batch, int steps)
            throws Exception {
        Path trace = Files.createTempFile("gemrag-decode-profile", ".json");
        try (NDManager m = llama.newManager();
                KvCache cache = llama.newCache(batch, PROMPT + 2 * steps + 1)) {
            long[] next = prefill(d, m, prompt, batch, cache);
            int[] zero = new int[batch];
            for (int k = 0; k < 2 * steps; k++) {
                if (k == steps) {
                    JniUtils.startProfile(false, false, false);
                }
                try (NDManager step = m.newSubManager()) {
                    long[] pos = new long[batch];
                    Arrays.fill(pos, PROMPT + k);
                    next =
                            d.decodeStep(
                                            step.create(next, new Shape(batch, 1)),
                                            step.create(pos, new Shape(batch, 1)),
                                            cache,
                                            zero)
                                    .argMax(-1)
                                    .toLongArray();
                }
            }
            JniUtils.stopProfile(trace.toString());
        }
        JsonNode root = new ObjectMapper().readTree(trace.toFile());
        JsonNode events = root.isArray() ? root : root.get("traceEvents");
        Map<String, double[]> byName = new TreeMap<>(); // name -> {us, calls}
        for (JsonNode e : events) {
            if (!"X".equals(e.path("ph").asText()) || !e.has("dur")) {
                continue;
            }
            double[] v = byName.computeIfAbsent(e.get("name").asText(), k -> new double[2]);
            v[0] += e.get("dur").asDouble();
            v[1]++;
        }
        Files.deleteIfExists(trace);
        List<Map.Entry<String, double[]>> sorted = new ArrayList<>(byName.entrySet());
        sorted.sort((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]));
        System.out.printf(
                Locale.ROOT,
                "profile batch %d, %d steps, per step (op times include their children), load %s%n",
                batch,
                steps,
                load());
        System.out.printf(Locale.ROOT, "  %-48s %9s %7s%n", "op", "ms/step", "calls");
        for (Map.Entry<String, double[]> e : sorted) {
            double ms = e.getValue()[0] / 1000 / steps;
            if (ms < 0.05) {
                continue;
            }
            System.out.printf(
                    Locale.ROOT, "  %-48s %9.3f %7.1f%n", e.getKey(), ms, e.getValue()[1] / steps);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String load() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
