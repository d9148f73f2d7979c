package dev.gemrag.pipeline.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Flink standalone session cluster as separate JVMs on 127.0.0.1, the way {@code
 * bin/jobmanager.sh} and {@code bin/taskmanager.sh} run it: the entry-point classes on a classpath
 * of {@code lib/*} (Flink, DJL, log4j: the parent classpath), a generated {@code config.yaml},
 * random free ports, logs under the work dir. Everything it starts it stops in {@link #close()}.
 */
final class StandaloneFlinkCluster implements AutoCloseable {
    static final String JOBMANAGER_MAIN =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASKMANAGER_MAIN =
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

    /** What Flink's own config.yaml passes with env.java.opts.all on Java 17. */
    private static final List<String> JAVA17_OPENS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final List<Path> libs;
    private final Path workDir;
    private final Path confDir;
    private final int restPort;
    private final List<FlinkProcess> processes = new ArrayList<>();
    private final AtomicInteger taskManagers = new AtomicInteger();
    private final FlinkRestClient rest;
    private FlinkProcess jobManager;

    private StandaloneFlinkCluster(List<Path> libs, Path workDir, int restPort) {
        this.libs = List.copyOf(libs);
        this.workDir = workDir;
        this.confDir = workDir.resolve("conf");
        this.restPort = restPort;
        this.rest = new FlinkRestClient("http://127.0.0.1:" + restPort);
    }

    /**
     * Writes the configuration and starts the jobmanager; returns once its REST endpoint answers.
     *
     * @param libs the folders that make up the distribution's lib/ (Flink's own jars first)
     * @param extra settings added to (or replacing) the generated config.yaml
     */
    static StandaloneFlinkCluster startJobManager(
            List<Path> libs, Path workDir, Map<String, String> extra, Duration timeout)
            throws IOException, InterruptedException {
        for (Path lib : libs) {
            if (!Files.isDirectory(lib)) {
                throw new IllegalStateException(
                        "no lib folder "
                                + lib.toAbsolutePath()
                                + " (made by `mvn verify` in pre-integration-test)");
            }
        }
        if (jarNamed(libs.get(0), "flink-runtime-") == null) {
            throw new IllegalStateException(
                    "no flink-runtime jar in " + libs.get(0).toAbsolutePath());
        }
        StandaloneFlinkCluster c = new StandaloneFlinkCluster(libs, workDir, FreePorts.next());
        try {
            c.writeConfig(extra);
            // The job's main runs in the jobmanager (REST submission) and loads the model there:
            // direct memory for it.
            c.jobManager = c.launch("jobmanager", JOBMANAGER_MAIN, "1g", "2g");
            c.awaitRest(timeout);
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    FlinkRestClient rest() {
        return rest;
    }

    String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    FlinkProcess jobManager() {
        return jobManager;
    }

    /** Starts one more taskmanager JVM (it registers itself with the jobmanager). */
    FlinkProcess startTaskManager() throws IOException {
        // Direct memory = framework off-heap + task off-heap + network, as bin/taskmanager.sh
        // computes it.
        return launch(
                "taskmanager-" + taskManagers.incrementAndGet(),
                TASKMANAGER_MAIN,
                "1728m",
                "1728m");
    }

    private FlinkProcess launch(String name, String mainClass, String heap, String direct)
            throws IOException {
        Path log = workDir.resolve("log").resolve(name + ".log");
        Path out = workDir.resolve("log").resolve(name + ".out");
        Files.createDirectories(log.getParent());
        int prometheus = FreePorts.next();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms" + heap);
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:MaxDirectMemorySize=" + direct);
        cmd.add("-XX:MaxMetaspaceSize=512m");
        cmd.addAll(JAVA17_OPENS);
        cmd.add("-Dlog.file=" + log);
        cmd.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-cp");
        cmd.add(
                String.join(
                        java.io.File.pathSeparator,
                        libs.stream().map(l -> l.toAbsolutePath() + "/*").toList()));
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(confDir.toString());
        cmd.add("-Dmetrics.reporter.prom.port=" + prometheus);
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("PYTORCH_FLAVOR", "cpu");
        // As in the Flink image: spinning OpenMP threads stall libtorch on a busy CPU.
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().put("MKL_CBWR", "AUTO,STRICT");
        pb.environment().keySet().removeIf(k -> k.startsWith("GEMRAG_"));
        FlinkProcess p = new FlinkProcess(name, pb.start(), log, out, prometheus);
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    private void writeConfig(Map<String, String> extra) throws IOException {
        Files.createDirectories(confDir);
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", Integer.toString(FreePorts.next()));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", Integer.toString(restPort));
        c.put("blob.server.port", Integer.toString(FreePorts.next()));
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.rpc.port", "0");
        c.put("taskmanager.data.port", "0");
        c.put("taskmanager.numberOfTaskSlots", "2");
        c.put("parallelism.default", "1");
        // bin/taskmanager.sh derives these with BashJavaUtils; launched directly they must be
        // explicit.
        c.put("taskmanager.cpu.cores", "2.0");
        c.put("taskmanager.memory.framework.heap.size", "128m");
        c.put("taskmanager.memory.task.heap.size", "1600m");
        c.put("taskmanager.memory.framework.off-heap.size", "128m");
        // The model's weights are read through direct buffers when it loads.
        c.put("taskmanager.memory.task.off-heap.size", "1536m");
        c.put("taskmanager.memory.network.min", "64m");
        c.put("taskmanager.memory.network.max", "64m");
        c.put("taskmanager.memory.managed.size", "64m");
        c.put("taskmanager.memory.jvm-metaspace.size", "512m");
        c.put("taskmanager.memory.jvm-overhead.min", "192m");
        c.put("taskmanager.memory.jvm-overhead.max", "192m");
        // A killed taskmanager is noticed within seconds, not the default 50 s.
        c.put("heartbeat.interval", "1000");
        c.put("heartbeat.timeout", "6000");
        c.put("restart-strategy.type", "fixed-delay");
        c.put("restart-strategy.fixed-delay.attempts", "50");
        c.put("restart-strategy.fixed-delay.delay", "1 s");
        c.put("execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
        c.put("classloader.parent-first-patterns.additional", "ai.djl.");
        c.put(
                "metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        c.put("web.upload.dir", workDir.resolve("web-upload").toString());
        c.put("io.tmp.dirs", workDir.resolve("tmp").toString());
        c.putAll(extra);
        StringBuilder yaml = new StringBuilder("# generated by StandaloneFlinkCluster\n");
        c.forEach((k, v) -> yaml.append(k).append(": ").append(quote(v)).append('\n'));
        Files.createDirectories(workDir.resolve("web-upload"));
        Files.createDirectories(workDir.resolve("tmp"));
        Files.writeString(confDir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        Files.writeString(
                confDir.resolve("log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = MainAppender",
                        "appender.main.name = MainAppender",
                        "appender.main.type = File",
                        "appender.main.append = true",
                        "appender.main.fileName = ${sys:log.file}",
                        "appender.main.layout.type = PatternLayout",
                        "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                        "logger.kafka.name = org.apache.kafka",
                        "logger.kafka.level = WARN",
                        "logger.milvus.name = io.milvus",
                        "logger.milvus.level = WARN",
                        ""),
                StandardCharsets.UTF_8);
    }

    private static String quote(String v) {
        return "'" + v.replace("'", "''") + "'";
    }

    private void awaitRest(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive()) {
                throw new IllegalStateException(
                        "the jobmanager exited at start; see "
                                + jobManager.out()
                                + " and "
                                + jobManager.log());
            }
            try {
                rest.overview();
                return;
            } catch (IOException e) {
                Thread.sleep(250);
            }
        }
        throw new IllegalStateException(
                "the jobmanager's REST endpoint did not answer within "
                        + timeout.toSeconds()
                        + " s; see "
                        + jobManager.log());
    }

    private static String jarNamed(Path lib, String prefix) throws IOException {
        try (var s = Files.list(lib)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(prefix))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** Stops every process (taskmanagers first), killing those that do not stop within 10 s. */
    @Override
    public void close() {
        List<FlinkProcess> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).stop(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                all.get(i).kill();
            }
        }
    }

    /** The last lines of a process's log, for failure messages. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file + ")";
        } catch (UncheckedIOException e) {
            return "(unreadable " + file + ")";
        }
    }
}
