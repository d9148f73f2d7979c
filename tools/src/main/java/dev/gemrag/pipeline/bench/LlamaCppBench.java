package dev.gemrag.pipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code tools/bench/llamacpp_bench.py} (shipped on the classpath) in the llama-cpp-python
 * virtualenv, on the same GGUF, the same token ids and the same thread count as our side, and reads
 * its JSON. Creates the virtualenv first when it is missing (llama-cpp-python builds from source).
 */
public final class LlamaCppBench {
    /** The pinned version the fixtures were made with. */
    public static final String LLAMA_CPP_PYTHON = "llama-cpp-python==0.3.36";

    private static final String SCRIPT_RESOURCE = "/dev/gemrag/pipeline/bench/llamacpp_bench.py";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path venv;

    public LlamaCppBench(Path venv) {
        this.venv = venv;
    }

    /** ~/.cache/gemrag/venv-llamacpp */
    public static Path defaultVenv() {
        return Path.of(System.getProperty("user.home"), ".cache", "gemrag", "venv-llamacpp");
    }

    private Path python() {
        return venv.resolve("bin").resolve("python");
    }

    /** True when the venv's python imports llama_cpp. */
    public boolean isReady() {
        if (!Files.isExecutable(python())) {
            return false;
        }
        try {
            return run(List.of(python().toString(), "-c", "import llama_cpp"), false, 120) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Creates the venv and installs llama-cpp-python, showing pip's progress on stderr. Builds
     * llama.cpp from source: several minutes on 2 cores.
     */
    public void setUp() throws IOException {
        System.err.println(
                "gemrag bench: llama.cpp reference not found at "
                        + venv
                        + "; creating it (pip builds "
                        + LLAMA_CPP_PYTHON
                        + " from source, this takes several minutes)...");
        Files.createDirectories(venv.getParent());
        if (run(List.of("python3", "-m", "venv", venv.toString()), true, 600) != 0) {
            throw new IOException(
                    "python3 -m venv " + venv + " failed (is python3-venv installed?)");
        }
        int rc =
                run(
                        List.of(
                                python().toString(),
                                "-m",
                                "pip",
                                "install",
                                "--progress-bar",
                                "on",
                                LLAMA_CPP_PYTHON),
                        true,
                        3600);
        if (rc != 0) {
            throw new IOException(
                    "pip install "
                            + LLAMA_CPP_PYTHON
                            + " failed (exit "
                            + rc
                            + "); see the pip output above");
        }
    }

    /**
     * Runs the benchmark on {@code promptIds} (at least the longest prefill) and returns its JSON.
     */
    public JsonNode run(
            Path gguf,
            int[] promptIds,
            int threads,
            int[] prefillLengths,
            int decodePrompt,
            int decodeTokens,
            int[] batches)
            throws IOException {
        Path dir = Files.createTempDirectory("gemrag-llamacpp-bench");
        try {
            Path script = dir.resolve("llamacpp_bench.py");
            try (InputStream in = LlamaCppBench.class.getResourceAsStream(SCRIPT_RESOURCE)) {
                if (in == null) {
                    throw new IOException(
                            "llamacpp_bench.py is missing from the classpath ("
                                    + SCRIPT_RESOURCE
                                    + ")");
                }
                Files.copy(in, script);
            }
            Path tokens = dir.resolve("tokens.json");
            JSON.writeValue(tokens.toFile(), java.util.Map.of("prompt", promptIds));
            Path out = dir.resolve("out.json");
            List<String> cmd =
                    new ArrayList<>(
                            List.of(
                                    python().toString(),
                                    script.toString(),
                                    "--model",
                                    gguf.toString(),
                                    "--tokens",
                                    tokens.toString(),
                                    "--threads",
                                    Integer.toString(threads),
                                    "--prefill",
                                    join(prefillLengths),
                                    "--decode-prompt",
                                    Integer.toString(decodePrompt),
                                    "--decode-tokens",
                                    Integer.toString(decodeTokens),
                                    "--batches",
                                    join(batches)));
            ProcessBuilder pb =
                    new ProcessBuilder(cmd)
                            .redirectOutput(out.toFile())
                            .redirectError(ProcessBuilder.Redirect.INHERIT);
            int rc = waitFor(pb.start(), 1800);
            String text = Files.readString(out, StandardCharsets.UTF_8).strip();
            if (rc != 0 || text.isEmpty()) {
                throw new IOException("llama.cpp bench failed (exit " + rc + "): " + text);
            }
            String[] lines = text.split("\n");
            return JSON.readTree(lines[lines.length - 1]);
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String join(int[] values) {
        return String.join(",", Arrays.stream(values).mapToObj(Integer::toString).toList());
    }

    private static int run(List<String> cmd, boolean visible, long timeoutSeconds)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (visible) {
            // pip/venv output goes to our stderr so the user sees the build progressing
            pb.redirectOutput(ProcessBuilder.Redirect.to(new java.io.File("/dev/stderr")))
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        return waitFor(pb.start(), timeoutSeconds);
    }

    private static int waitFor(Process p, long timeoutSeconds) throws IOException {
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(
                        "timed out after "
                                + timeoutSeconds
                                + " s: "
                                + p.info().commandLine().orElse("?"));
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
    }
}
