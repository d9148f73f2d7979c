package dev.gemrag.pipeline.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One JVM of the standalone cluster (jobmanager or taskmanager), with its log file. */
final class FlinkProcess {
    private final String name;
    private final Process process;
    private final Path log;
    private final Path out;
    private final int prometheusPort;

    FlinkProcess(String name, Process process, Path log, Path out, int prometheusPort) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.out = out;
        this.prometheusPort = prometheusPort;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    Path out() {
        return out;
    }

    int prometheusPort() {
        return prometheusPort;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the JVM and anything it started, at once (SIGKILL): a crash, not a shutdown. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** Asks the JVM to stop (SIGTERM), then kills it when it does not within the grace period. */
    void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!waitFor(grace)) {
            kill();
        }
    }

    private boolean waitFor(Duration d) {
        try {
            return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + log + ")";
    }
}
