package dev.gemrag.pipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.llama.TorchRuntime;
import dev.gemrag.pipeline.bench.ConcurrentAnswers;
import dev.gemrag.pipeline.bench.ForwardBench;
import dev.gemrag.pipeline.bench.LlamaCppBench;
import dev.gemrag.pipeline.bench.MatmulCeiling;
import dev.gemrag.pipeline.bench.ModelFlops;
import dev.gemrag.pipeline.bench.ProcessMemory;
import dev.gemrag.pipeline.bench.Rounds;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gemrag bench}: our runtime against llama.cpp on the same GGUF, token ids and thread count
 * (prefill 128/512, decode batch 1/8, FLOP/s against a DJL FP32 matmul ceiling, peak RSS), or with
 * {@code --rss} a native-memory leak check over many generate calls.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Runtime benchmark: gemrag (DJL) vs llama.cpp on the same model, ids and threads.",
            "With --rss: runs N generate calls and checks that resident memory stops growing."
        })
public final class BenchCommand implements Callable<Integer> {
    private static final int[] PREFILL = {128, 512};
    private static final int[] BATCHES = {1, 8};
    private static final int DECODE_PROMPT = 32;
    private static final int DECODE_TOKENS = 64;

    @Spec CommandSpec spec;

    @Mixin ModelOption model;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Threads for both runtimes (default: available processors).")
    Integer threads;

    @Option(
            names = "--repeats",
            paramLabel = "N",
            defaultValue = "3",
            description = "Timed runs per number, best kept (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Alternate the llama.cpp side and ours N times; the table shows medians, the ratio as the median of the rounds' own ratios and, for N > 1, their range (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--no-llamacpp",
            description = "Skip the llama.cpp reference (no Python needed).")
    boolean noLlamaCpp;

    @Option(
            names = "--llamacpp-venv",
            paramLabel = "DIR",
            description =
                    "llama-cpp-python virtualenv (default: ~/.cache/gemrag/venv-llamacpp; created if missing).")
    Path venv;

    @Option(
            names = "--rss",
            description = "Leak check: run --iterations generate calls and report resident memory.")
    boolean rss;

    @Option(
            names = "--iterations",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Generate calls for --rss (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(
            names = "--rss-bound-mb",
            paramLabel = "MB",
            defaultValue = "64",
            description =
                    "Allowed RSS growth from the end of warm-up (first 10%% of calls) to the end, for --rss (default: ${DEFAULT-VALUE}).")
    double rssBoundMb;

    @Override
    public Integer call() throws IOException {
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (nThreads <= 0) {
            throw new ParameterException(
                    spec.commandLine(), "--threads must be positive, got " + nThreads);
        }
        if (repeats <= 0) {
            throw new ParameterException(
                    spec.commandLine(), "--repeats must be positive, got " + repeats);
        }
        if (rounds <= 0) {
            throw new ParameterException(
                    spec.commandLine(), "--rounds must be positive, got " + rounds);
        }
        if (rss && iterations < 10) {
            throw new ParameterException(
                    spec.commandLine(), "--iterations must be at least 10, got " + iterations);
        }
        TorchRuntime.configureThreads(nThreads);
        try (RuntimeSession session = RuntimeSession.openBase(model.value())) {
            return rss ? rssCheck(session) : speed(session, nThreads);
        }
    }

    private int speed(RuntimeSession session, int nThreads) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        int longest = PREFILL[PREFILL.length - 1];
        int[] prompt = benchPrompt(session, longest);

        LlamaCppBench llama = null;
        if (!noLlamaCpp) {
            llama = new LlamaCppBench(venv == null ? LlamaCppBench.defaultVenv() : venv);
            if (!llama.isReady()) {
                llama.setUp();
            }
        }
        ForwardBench ours = new ForwardBench(session.llama(), session.compiled(), repeats);
        String path =
                session.compiled() == null
                        ? "eager"
                        : "compiled "
                                + session.compiled().format()
                                + " (multi-token "
                                + session.compiled().multiToken()
                                + ")";
        int[] decodePrompt = java.util.Arrays.copyOf(prompt, DECODE_PROMPT);
        Rounds[] prefill = newRounds(PREFILL.length);
        Rounds[] decode = newRounds(BATCHES.length);
        Rounds rssMib = new Rounds();
        JsonNode ref = null;
        // rounds alternate the two sides, so that a load change on a shared machine lands in
        // one round's pair of numbers rather than on one side of every number
        for (int r = 0; r < rounds; r++) {
            String round = rounds == 1 ? "" : " (round " + (r + 1) + " of " + rounds + ")";
            if (llama != null) {
                System.err.println("gemrag bench: llama.cpp side" + round + "...");
                ref =
                        llama.run(
                                session.modelPath(),
                                prompt,
                                nThreads,
                                PREFILL,
                                DECODE_PROMPT,
                                DECODE_TOKENS,
                                BATCHES);
            }
            System.err.println("gemrag bench: gemrag side" + round + "...");
            for (int i = 0; i < PREFILL.length; i++) {
                prefill[i].add(
                        ours.prefillTokensPerSecond(java.util.Arrays.copyOf(prompt, PREFILL[i])),
                        num(ref, "prefill_" + PREFILL[i] + "_tok_s"));
            }
            for (int i = 0; i < BATCHES.length; i++) {
                decode[i].add(
                        ours.decodeTokensPerSecond(decodePrompt, BATCHES[i], DECODE_TOKENS),
                        num(ref, "decode_b" + BATCHES[i] + "_tok_s"));
            }
            rssMib.add(ProcessMemory.peakRssMib(), num(ref, "peak_rss_mb"));
            if (rounds > 1) {
                System.err.println(
                        "gemrag bench: round " + (r + 1) + ": " + lastRound(prefill, decode));
            }
        }
        ModelFlops flops = new ModelFlops(session.config());
        double ceiling =
                MatmulCeiling.bestOfModelShapes(
                        longest,
                        session.config().hiddenSize(),
                        session.config().intermediateSize(),
                        50);
        System.err.println("gemrag bench: answers through the batching engine...");
        double[] answers =
                new ConcurrentAnswers(session.languageModel(), DECODE_TOKENS)
                        .tokensPerSecond(questionPrompts(session), repeats);

        out.printf(
                Locale.ROOT,
                "Runtime benchmark: %s, %d threads, best of %d runs after a warm-up%s, %d CPUs,"
                        + " load average at the end %s, OMP_WAIT_POLICY=%s (both sides)%n",
                session.modelPath().getFileName(),
                nThreads,
                repeats,
                rounds == 1
                        ? ""
                        : ", "
                                + rounds
                                + " rounds alternating llama.cpp and ours (medians; ratio = median"
                                + " of the rounds' ratios, range = their min-max)",
                Runtime.getRuntime().availableProcessors(),
                ProcessMemory.loadAverage(),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
        out.printf(
                Locale.ROOT,
                "%-34s %14s %14s %10s%s%n",
                "metric",
                "gemrag " + path,
                "llama.cpp",
                "ours/ref",
                rounds == 1 ? "" : "  range");
        for (int i = 0; i < PREFILL.length; i++) {
            row(out, "prefill " + PREFILL[i] + " tokens, tok/s", prefill[i]);
        }
        for (int i = 0; i < BATCHES.length; i++) {
            row(out, "decode batch " + BATCHES[i] + ", tok/s", decode[i]);
        }
        row(out, "peak RSS (VmHWM), MiB", rssMib);
        out.printf(Locale.ROOT, "%-34s %14.1f%n", "answers 1 at a time, tok/s (ours)", answers[0]);
        out.printf(
                Locale.ROOT,
                "%-34s %14.1f %14s %9.2fx%n",
                QUESTIONS.size() + " answers at once, tok/s (ours)",
                answers[1],
                "",
                answers[1] / answers[0]);
        double gflops = flops.prefill(longest) * prefill[PREFILL.length - 1].ours() / longest / 1e9;
        out.printf(Locale.ROOT, "%-34s %14.1f%n", "prefill " + longest + " GFLOP/s (ours)", gflops);
        out.printf(Locale.ROOT, "%-34s %14.1f%n", "FP32 matmul ceiling, GFLOP/s", ceiling);
        out.printf(Locale.ROOT, "%-34s %13.0f%%%n", "prefill / ceiling", 100 * gflops / ceiling);
        out.printf(
                Locale.ROOT,
                "FLOPs: 2 x %.1fM linear-layer weights per token + attention QK^T and AV over the full"
                        + " %dx%d scores (4 x T^2 x %d x layers) + the head at the last position; norms/RoPE/softmax not"
                        + " counted. Ceiling: the fastest DJL FP32 matmul of the model's prefill shapes (%dx%d @ %dx%d and"
                        + " the other projections' shapes), measured in this run.%n",
                flops.linearParams() / 1e6,
                longest,
                longest,
                session.config().numHeads() * session.config().headDim(),
                longest,
                session.config().hiddenSize(),
                session.config().hiddenSize(),
                session.config().intermediateSize());
        out.printf(
                Locale.ROOT,
                "Decode: %d-token prompt, %d greedy tokens per row, no early stop; llama.cpp batch 8 ="
                        + " 8 sequences in one llama_decode per step.%n",
                DECODE_PROMPT,
                DECODE_TOKENS);
        out.printf(
                Locale.ROOT,
                "Answers: %d chat questions, greedy, at most %d tokens, stop at EOS, through the"
                        + " BatchingEngine (continuous batching); 'at once' = all submitted together, last x = at once / one at"
                        + " a time.%n",
                QUESTIONS.size(),
                DECODE_TOKENS);
        if (ref == null) {
            out.println("llama.cpp: skipped (--no-llamacpp)");
        } else {
            for (int b : BATCHES) {
                if (ref.hasNonNull("decode_b" + b + "_error")) {
                    out.println(
                            "llama.cpp decode batch "
                                    + b
                                    + " failed: "
                                    + ref.get("decode_b" + b + "_error").asText());
                }
            }
        }
        out.flush();
        return 0;
    }

    private int rssCheck(RuntimeSession session) {
        PrintWriter out = spec.commandLine().getOut();
        String prompt =
                session.chatPrompt(List.of(ChatMessage.user("Name one colour of the sky.")));
        GenerationParams params = new GenerationParams(8, 0.7f, 0.9f, 1L);
        int warmup = Math.max(1, iterations / 10);
        int every = Math.max(1, iterations / 10);
        double base = 0;
        double max = 0;
        long t0 = System.nanoTime();
        out.printf(Locale.ROOT, "%10s %10s %10s%n", "calls", "RSS MiB", "s");
        for (int i = 1; i <= iterations; i++) {
            // a new seed per call, so calls sample different replies of different lengths
            session.generate(
                    List.of(prompt),
                    new GenerationParams(
                            params.maxTokens(), params.temperature(), params.topP(), i));
            double now = ProcessMemory.rssMib();
            if (i == warmup) {
                base = now;
            }
            if (i > warmup) {
                max = Math.max(max, now);
            }
            if (i % every == 0 || i == warmup) {
                out.printf(
                        Locale.ROOT,
                        "%10d %10.1f %10.1f%n",
                        i,
                        now,
                        (System.nanoTime() - t0) / 1e9);
                out.flush();
            }
        }
        double growth = max - base;
        boolean ok = growth <= rssBoundMb;
        out.printf(
                Locale.ROOT,
                "RSS after warm-up (%d calls) %.1f MiB, max after %.1f MiB, growth %.1f MiB, bound %.1f MiB:"
                        + " %s%n",
                warmup,
                base,
                max,
                growth,
                rssBoundMb,
                ok ? "OK" : "EXCEEDED");
        out.flush();
        if (!ok) {
            throw new IllegalStateException(
                    String.format(
                            Locale.ROOT,
                            "resident memory grew %.1f MiB over %d generate calls (bound %.1f MiB): native memory leak?",
                            growth,
                            iterations - warmup,
                            rssBoundMb));
        }
        return 0;
    }

    /**
     * Short questions of the kind the pipeline answers (no retrieval context: this measures the
     * model).
     */
    private static final List<String> QUESTIONS =
            List.of(
                    "How do I remove empty directories?",
                    "What does the sticky bit do?",
                    "How can I list open files of a process?",
                    "How do I change the owner of a file?",
                    "What is a symbolic link?",
                    "How do I compress a folder?",
                    "How can I see disk usage per directory?",
                    "How do I schedule a job to run every night?");

    private static List<String> questionPrompts(RuntimeSession session) {
        return QUESTIONS.stream()
                .map(q -> session.chatPrompt(List.of(ChatMessage.user(q))))
                .toList();
    }

    /**
     * Our tokens of the shipped bench prose, repeated up to {@code length}; both runtimes get these
     * ids.
     */
    private static int[] benchPrompt(RuntimeSession session, int length) {
        String text;
        try (InputStream in =
                BenchCommand.class.getResourceAsStream(
                        "/dev/gemrag/pipeline/bench/bench-prose.txt")) {
            text =
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .lines()
                            .filter(l -> !l.startsWith("#") && !l.isBlank())
                            .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] ids = session.tokenizer().encode(text);
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = ids[i % ids.length];
        }
        return out;
    }

    private static double num(JsonNode ref, String key) {
        return ref == null || !ref.hasNonNull(key) ? Double.NaN : ref.get(key).asDouble();
    }

    /** The latest round's numbers, ours / llama.cpp, as one progress line. */
    private static String lastRound(Rounds[] prefill, Rounds[] decode) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < PREFILL.length; i++) {
            b.append(String.format(Locale.ROOT, "prefill %d %s; ", PREFILL[i], prefill[i].last()));
        }
        for (int i = 0; i < BATCHES.length; i++) {
            b.append(String.format(Locale.ROOT, "decode b%d %s; ", BATCHES[i], decode[i].last()));
        }
        return b.substring(0, b.length() - 2);
    }

    private static Rounds[] newRounds(int n) {
        Rounds[] r = new Rounds[n];
        for (int i = 0; i < n; i++) {
            r[i] = new Rounds();
        }
        return r;
    }

    private static void row(PrintWriter out, String name, Rounds r) {
        double ref = r.reference();
        boolean none = Double.isNaN(ref);
        out.printf(
                Locale.ROOT,
                "%-34s %14.1f %14s %10s%s%n",
                name,
                r.ours(),
                none ? "n/a" : String.format(Locale.ROOT, "%.1f", ref),
                none ? "n/a" : String.format(Locale.ROOT, "%.2f", r.ratio()),
                none || r.count() == 1
                        ? ""
                        : String.format(Locale.ROOT, "  %.2f-%.2f", r.minRatio(), r.maxRatio()));
    }
}
