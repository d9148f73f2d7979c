package dev.gemrag.model.tokenizer;

import dev.gemrag.model.fetch.FileChecksums;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * llama.cpp's tokenizer test vectors as they ship in the llama-cpp-python 0.3.36 source
 * distribution (MIT): fetched once with pip from the package index, checked against the sdist's
 * SHA-256 and unpacked (only the vocabularies the tests read) under ~/.cache/gemrag/sdist, so a
 * fresh CI machine runs the comparison instead of skipping it.
 */
final class LlamaCppSdist {
    static final String REQUIREMENT = "llama-cpp-python==0.3.36";
    static final String ROOT = "llama_cpp_python-0.3.36";
    static final String SHA256 = "832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e";
    private static final String MODELS = ROOT + "/vendor/llama.cpp/models";

    private LlamaCppSdist() {}

    /** {@code -Dgemrag.llamacpp.models}, or the unpacked sdist's models folder in the cache. */
    static Path modelsDir() {
        String p = System.getProperty("gemrag.llamacpp.models");
        return p != null ? Path.of(p) : cacheDir().resolve(MODELS);
    }

    private static Path cacheDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "gemrag", "sdist");
    }

    /**
     * Makes sure {@code ggml-vocab-NAME.gguf} (+ .inp/.out) of each vocabulary is in {@link
     * #modelsDir()}, fetching the sdist when the default folder lacks one.
     *
     * @return null when they are there, else why they could not be had
     */
    static synchronized String ensure(List<String> vocabs) {
        if (missing(vocabs).isEmpty()) {
            return null;
        }
        if (System.getProperty("gemrag.llamacpp.models") != null) {
            return "llama.cpp vocab files not found at "
                    + modelsDir()
                    + " (-Dgemrag.llamacpp.models)";
        }
        try {
            Path download = Files.createTempDirectory("gemrag-sdist");
            String pip =
                    run(
                            List.of(
                                    "python3",
                                    "-m",
                                    "pip",
                                    "download",
                                    "--no-deps",
                                    "--no-binary",
                                    ":all:",
                                    "-q",
                                    "-d",
                                    download.toString(),
                                    REQUIREMENT),
                            600);
            if (pip != null) {
                return "pip download " + REQUIREMENT + " failed: " + pip;
            }
            Path archive = download.resolve(ROOT + ".tar.gz");
            String sha = Files.isRegularFile(archive) ? FileChecksums.compute(archive) : "absent";
            if (!SHA256.equals(sha)) {
                return archive + ": sha256 " + sha + ", expected " + SHA256;
            }
            Files.createDirectories(cacheDir());
            List<String> tar =
                    new ArrayList<>(
                            List.of(
                                    "tar",
                                    "-xzf",
                                    archive.toString(),
                                    "-C",
                                    cacheDir().toString(),
                                    "--wildcards"));
            for (String v : vocabs) {
                tar.add(MODELS + "/ggml-vocab-" + v + ".gguf*");
            }
            String untar = run(tar, 120);
            Files.deleteIfExists(archive);
            Files.deleteIfExists(download);
            if (untar != null) {
                return "unpacking " + archive + " failed: " + untar;
            }
            List<String> still = missing(vocabs);
            return still.isEmpty() ? null : "not in the sdist: " + still;
        } catch (IOException e) {
            return "fetching the llama.cpp vocab files failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while fetching the llama.cpp vocab files";
        }
    }

    private static List<String> missing(List<String> vocabs) {
        List<String> out = new ArrayList<>();
        for (String v : vocabs) {
            for (String suffix : new String[] {"", ".inp", ".out"}) {
                Path f = modelsDir().resolve("ggml-vocab-" + v + ".gguf" + suffix);
                if (!Files.isRegularFile(f)) {
                    out.add(f.getFileName().toString());
                }
            }
        }
        return out;
    }

    /** Runs a command; null on exit 0, else the exit status and the output's last line. */
    private static String run(List<String> command, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("gemrag-sdist", ".log");
        try {
            Process p =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out after " + timeoutSeconds + " s";
            }
            if (p.exitValue() == 0) {
                return null;
            }
            List<String> lines = Files.readAllLines(log);
            return "exit "
                    + p.exitValue()
                    + (lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
