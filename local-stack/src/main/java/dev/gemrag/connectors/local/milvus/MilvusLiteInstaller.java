package dev.gemrag.connectors.local.milvus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs Milvus Lite (PyPI {@code milvus-lite} + {@code pymilvus}, pinned) into a project-owned
 * virtualenv on first use. Several JVMs (parallel test forks, the demo) may ask at once: a file
 * lock serialises them, and a marker file written last tells a complete install from a
 * half-finished one.
 */
public final class MilvusLiteInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(MilvusLiteInstaller.class);

    /** Pinned: the server CLI and its gRPC surface are what the tests were written against. */
    public static final String MILVUS_LITE_VERSION = "3.2.2";

    public static final String PYMILVUS_VERSION = "3.0.2";

    private static final String MARKER = "gemrag-milvus-lite.installed";

    /** FileChannel.lock is per JVM, not per thread: threads of one JVM queue here first. */
    private static final Object JVM_LOCK = new Object();

    private final Path venvDir;
    private final String python;
    private final Consumer<String> progress;

    public MilvusLiteInstaller(Path venvDir, String python, Consumer<String> progress) {
        this.venvDir = venvDir;
        this.python = python;
        this.progress = progress;
    }

    /**
     * The default: ~/.cache/gemrag/venv-milvus (override: -Dgemrag.milvus.venv or
     * GEMRAG_MILVUS_VENV).
     */
    public static MilvusLiteInstaller defaults() {
        String dir = System.getProperty("gemrag.milvus.venv", System.getenv("GEMRAG_MILVUS_VENV"));
        Path venv =
                dir != null
                        ? Path.of(dir)
                        : Path.of(
                                System.getProperty("user.home"), ".cache", "gemrag", "venv-milvus");
        String py = System.getenv().getOrDefault("GEMRAG_PYTHON", "python3");
        return new MilvusLiteInstaller(venv, py, line -> LOG.info("[milvus-lite setup] {}", line));
    }

    public Path venvDir() {
        return venvDir;
    }

    /** The milvus-lite executable, installing it first when needed. */
    public Path ensureInstalled() throws IOException {
        Path exe = venvDir.resolve("bin").resolve("milvus-lite");
        if (isInstalled()) {
            return exe;
        }
        synchronized (JVM_LOCK) {
            Files.createDirectories(venvDir.getParent());
            Path lockFile = venvDir.resolveSibling(venvDir.getFileName() + ".lock");
            try (FileChannel ch =
                            FileChannel.open(
                                    lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = ch.lock()) {
                if (isInstalled()) { // another JVM finished while we waited
                    return exe;
                }
                install();
            }
        }
        return exe;
    }

    private boolean isInstalled() {
        Path marker = venvDir.resolve(MARKER);
        try {
            return Files.isRegularFile(marker)
                    && Files.readString(marker).strip().equals(pins())
                    && Files.isExecutable(venvDir.resolve("bin").resolve("milvus-lite"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String pins() {
        return "milvus-lite==" + MILVUS_LITE_VERSION + " pymilvus==" + PYMILVUS_VERSION;
    }

    private void install() throws IOException {
        long t0 = System.nanoTime();
        progress.accept("installing " + pins() + " into " + venvDir + " (first use only, ~1 min)");
        if (Files.exists(venvDir)) { // leftovers of an interrupted install
            deleteTree(venvDir);
        }
        run(List.of(python, "-m", "venv", venvDir.toString()));
        String pip = venvDir.resolve("bin").resolve("pip").toString();
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                pip,
                                "install",
                                "--disable-pip-version-check",
                                "--progress-bar",
                                "off"));
        cmd.addAll(List.of(pins().split(" ")));
        run(cmd);
        Files.writeString(venvDir.resolve(MARKER), pins() + "\n");
        progress.accept(String.format("done in %.1f s", (System.nanoTime() - t0) / 1e9));
    }

    /**
     * Runs a command, streaming each output line to the progress sink; fails with the tail of the
     * output.
     */
    private void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> tail = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                progress.accept(line);
                tail.add(line);
                if (tail.size() > 20) {
                    tail.remove(0);
                }
            }
        }
        int rc;
        try {
            rc = p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
        if (rc != 0) {
            throw new IOException(
                    "Milvus Lite setup failed: '"
                            + String.join(" ", command)
                            + "' exited with "
                            + rc
                            + ": "
                            + String.join(" | ", tail));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.delete(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        }
    }
}
