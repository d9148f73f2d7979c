package dev.gemrag.pipeline.cli;

import dev.gemrag.pipeline.bench.ProcessMemory;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.demo.EmbeddedStack;
import dev.gemrag.pipeline.soak.MemoryReading;
import dev.gemrag.pipeline.soak.Soak;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description = {
            "Soak test on the embedded stack (like 'demo'): a seeded mix of new documents, updates, deletes and",
            "questions at a fixed rate; one line per minute (RSS and where it sits: heap after GC, heap committed,",
            "JVM native, untracked native, file-backed; engine queue, freshness p99, answer p99, errors, dead",
            "letters); at the end Milvus must equal the last event per document, else exit 1."
        })
public final class SoakCommand implements Callable<Integer> {
    @Mixin ConfigMixin config;

    @Option(names = "--minutes", required = true, description = "How long to send events.")
    int minutes;

    @Option(
            names = "--rate",
            defaultValue = "0.2",
            description = "Events per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of the event mix (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--settle-minutes",
            defaultValue = "15",
            description =
                    "After the last event, how long documents and answers may take to arrive (default ${DEFAULT-VALUE}).")
    int settleMinutes;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description = "Milvus data of this run. Default: a new temporary directory.")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        if (minutes < 1 || rate <= 0 || settleMinutes < 1) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this),
                    "--minutes and --settle-minutes must be at least 1 and --rate positive");
        }
        GemragConfig c = DemoCommand.demoDefaults(config.load());
        Path dir =
                workDir != null
                        ? Files.createDirectories(workDir)
                        : Files.createTempDirectory("gemrag-soak-");
        try (EmbeddedStack stack = EmbeddedStack.start(dir, c, s -> System.out.println("  " + s))) {
            System.out.printf("soak: %d min at %.2f events/s, seed %d%n", minutes, rate, seed);
            if (Double.isNaN(MemoryReading.now().jvmNative())) {
                System.out.println(
                        "soak: native memory tracking is off, so the JVM native and untracked columns show"
                                + " '-' (GEMRAG_JAVA_OPTS='-Xmx2g -XX:NativeMemoryTracking=summary' turns it on)");
            }
            Soak.Result r =
                    new Soak(stack, System.out)
                            .run(
                                    Duration.ofMinutes(minutes),
                                    rate,
                                    seed,
                                    Duration.ofMinutes(settleMinutes));
            System.out.printf(
                    "questions %d, answers %d, errors %d, dead letters %d, live documents %d%n",
                    r.questions(), r.answers(), r.errors(), r.deadLetters(), r.liveDocuments());
            if (r.minutes().size() > 5) {
                MemoryReading at5 = r.minutes().get(4).memory();
                MemoryReading last = r.minutes().get(r.minutes().size() - 1).memory();
                System.out.printf(
                        "RSS growth after minute 5: %.1f%% (%.0f -> %.0f MiB); of it heap committed %+.0f,"
                                + " JVM native %+.0f, untracked native %+.0f, file-backed %+.0f MiB%n",
                        100 * (last.rss() - at5.rss()) / at5.rss(),
                        at5.rss(),
                        last.rss(),
                        last.heapCommitted() - at5.heapCommitted(),
                        last.jvmNative() - at5.jvmNative(),
                        last.untracked() - at5.untracked(),
                        last.rssFile() - at5.rssFile());
            }
            r.mismatches().forEach(m -> System.out.println("MISMATCH " + m));
            System.out.printf(
                    "state %s; %d cores, load average %s%n",
                    r.mismatches().isEmpty() ? "exact" : "WRONG",
                    Runtime.getRuntime().availableProcessors(),
                    ProcessMemory.loadAverage());
            return r.ok() ? 0 : 1;
        }
    }
}
