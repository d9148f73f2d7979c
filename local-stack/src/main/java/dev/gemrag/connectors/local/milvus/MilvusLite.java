package dev.gemrag.connectors.local.milvus;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Milvus Lite server process (PyPI {@code milvus-lite} 3.x: {@code milvus-lite server --data-dir
 * D --host 127.0.0.1 --port P}) speaking the Milvus gRPC protocol, for tests and the embedded demo.
 * Its output goes to {@code milvus-lite.log} in the data dir. Limits: one writer per collection
 * (run the Milvus sink with parallelism 1 against it), no auth, standalone createIndex only with
 * sync(false).
 *
 * <pre>{@code
 * try (MilvusLite milvus = MilvusLite.start(Files.createTempDirectory("milvus"))) {
 *     MilvusSink sink = MilvusSink.builder().setUri(milvus.uri())...build();
 * }
 * }</pre>
 */
public final class MilvusLite implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MilvusLite.class);
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);

    private final Process process;
    private final Path dataDir;
    private final int port;
    private final Thread shutdownHook;

    private MilvusLite(Process process, Path dataDir, int port) {
        this.process = process;
        this.dataDir = dataDir;
        this.port = port;
        // A JVM that exits without close() (a killed test run) must not leave the server behind.
        this.shutdownHook = new Thread(this::stopProcess, "milvus-lite-stop-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a server on a free port with its own data directory (created if missing). */
    public static MilvusLite start(Path dataDir) throws IOException {
        return start(dataDir, 0);
    }

    /**
     * Starts a server on the given port (0 = a free one), e.g. to restart on the same data dir and
     * port.
     */
    public static MilvusLite start(Path dataDir, int port) throws IOException {
        Path exe = MilvusLiteInstaller.defaults().ensureInstalled();
        Files.createDirectories(dataDir);
        IOException last = null;
        for (int attempt = 0;
                attempt < 3;
                attempt++) { // a free port may be taken between probe and bind
            int p = port > 0 ? port : freePort();
            try {
                return launch(exe, dataDir, p);
            } catch (IOException e) {
                last = e;
                if (port > 0) {
                    break;
                }
            }
        }
        throw last;
    }

    private static MilvusLite launch(Path exe, Path dataDir, int port) throws IOException {
        Path log = dataDir.resolve("milvus-lite.log");
        long t0 = System.nanoTime();
        Process process =
                new ProcessBuilder(
                                List.of(
                                        exe.toString(),
                                        "server",
                                        "--data-dir",
                                        dataDir.resolve("data").toString(),
                                        "--host",
                                        "127.0.0.1",
                                        "--port",
                                        Integer.toString(port)))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        MilvusLite lite = new MilvusLite(process, dataDir, port);
        try {
            lite.awaitHealthy(log);
        } catch (IOException | RuntimeException e) {
            lite.close();
            throw e;
        }
        LOG.info(
                "Milvus Lite {} up at {} in {} ms (data {}, log {})",
                MilvusLiteInstaller.MILVUS_LITE_VERSION,
                lite.uri(),
                (System.nanoTime() - t0) / 1_000_000,
                dataDir,
                log);
        return lite;
    }

    /** Waits for the TCP port, then for a real gRPC round trip (GetVersion), within a deadline. */
    private void awaitHealthy(Path log) throws IOException {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        String lastError = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(
                        "Milvus Lite exited with "
                                + process.exitValue()
                                + " while starting on port "
                                + port
                                + ": "
                                + tail(log));
            }
            if (portOpen()) {
                MilvusClientV2 client = null;
                try {
                    client =
                            new MilvusClientV2(
                                    ConnectConfig.builder()
                                            .uri(uri())
                                            .connectTimeoutMs(2000)
                                            .build());
                    client.getServerVersion();
                    return;
                } catch (RuntimeException e) {
                    lastError = e.getMessage();
                } finally {
                    if (client != null) {
                        client.close();
                    }
                }
            }
            sleep(100);
        }
        throw new IOException(
                "Milvus Lite did not answer on "
                        + uri()
                        + " within "
                        + START_DEADLINE.toSeconds()
                        + " s ("
                        + lastError
                        + "): "
                        + tail(log));
    }

    private boolean portOpen() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String uri() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve("milvus-lite.log");
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops the server (TERM, then KILL after 10 s), its descendants too, and waits for them. */
    @Override
    public void close() {
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) { // already shutting down
        }
    }

    private void stopProcess() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                LOG.warn("Milvus Lite on port {} ignored TERM for 10 s: killing it", port);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle d : descendants) {
                d.destroyForcibly();
                d.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn(
                    "Milvus Lite on port {}: a child process did not stop: {}", port, e.toString());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for Milvus Lite", e);
        }
    }
}
