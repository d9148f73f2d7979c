package dev.gemrag.pipeline.cli;

import static dev.gemrag.pipeline.config.GemragOptions.*;

import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.demo.Demo;
import dev.gemrag.pipeline.demo.EmbeddedStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Everything in one process, no Docker: in-process Kafka, Milvus Lite, the default model and the job",
            "on a Flink MiniCluster; indexes the sample man pages and answers the sample questions."
        })
public final class DemoCommand implements Callable<Integer> {
    @Mixin ConfigMixin config;

    @Option(
            names = "--keep-running",
            description = "Stay up after the samples so you can use 'gemrag ask' (Ctrl-C stops).")
    boolean keepRunning;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description = "Demo state (Milvus data, demo.yaml). Default: ~/.cache/gemrag/demo")
    Path workDir = Path.of(System.getProperty("user.home"), ".cache", "gemrag", "demo");

    @Override
    public Integer call() throws Exception {
        // The samples carry no acl: let every question read them (a deployment chooses for itself).
        GemragConfig c = demoDefaults(config.load());
        Files.createDirectories(workDir);
        deleteTree(
                workDir.resolve("milvus")); // a clean index each run; model and tools stay cached
        System.out.println("gemrag demo: starting the stack");
        long t0 = System.nanoTime();
        EmbeddedStack stack = EmbeddedStack.start(workDir, c, s -> System.out.println("  " + s));
        try {
            Demo demo = new Demo(stack, System.out);
            demo.ingestSamples(Duration.ofMinutes(15));
            demo.askSamples(Duration.ofMinutes(11));
            System.out.printf("Demo done in %.0f s.%n", (System.nanoTime() - t0) / 1e9);
            if (keepRunning) {
                Path yaml = writeClientConfig(stack);
                System.out.println("Still running. In another terminal:");
                System.out.println(
                        "  ./gemrag ask -c " + yaml + " \"How do I remove empty directories?\"");
                System.out.println("  ./gemrag ingest -c " + yaml + " README.md");
                System.out.println("Ctrl-C stops everything.");
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime()
                        .addShutdownHook(
                                new Thread(
                                        () -> {
                                            stack.close();
                                            stop.countDown();
                                        }));
                stop.await();
                return 0;
            }
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
        stack.close();
        return 0;
    }

    static GemragConfig demoDefaults(GemragConfig c) {
        java.util.Map<String, String> set = c.explicitValues();
        GemragConfig out = c;
        if (!set.containsKey(ACL_NO_ACL_VISIBILITY.key())) {
            out = out.with(ACL_NO_ACL_VISIBILITY.key(), "public");
        }
        if (!set.containsKey(ANSWER_MAX_TOKENS.key())) {
            out = out.with(ANSWER_MAX_TOKENS.key(), "64");
        }
        if (!set.containsKey(ANSWER_CONTEXT_TOKENS.key())) {
            out = out.with(ANSWER_CONTEXT_TOKENS.key(), "512");
        }
        if (!set.containsKey(ANSWER_TIMEOUT.key())) {
            out =
                    out.with(
                            ANSWER_TIMEOUT.key(),
                            "10 min"); // a busy 2-core machine is slow; a late answer beats none
        }
        if (!set.containsKey(CHECKPOINT_INTERVAL.key())) {
            out = out.with(CHECKPOINT_INTERVAL.key(), "5 s");
        }
        return out;
    }

    private Path writeClientConfig(EmbeddedStack stack) throws IOException {
        Path yaml = workDir.resolve("demo.yaml");
        Files.writeString(
                yaml,
                "# written by 'gemrag demo --keep-running': endpoints of the running demo\n"
                        + "kafka.bootstrap-servers: "
                        + stack.kafkaBootstrap()
                        + "\n"
                        + "milvus.uri: "
                        + stack.milvusUri()
                        + "\n");
        return yaml;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
