package dev.gemrag.pipeline.cli;

import dev.gemrag.pipeline.bench.PipelineBench;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.demo.EmbeddedStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "bench-pipeline",
        mixinStandardHelpOptions = true,
        description = {
            "End-to-end benchmark on the embedded stack (like 'demo'): indexing chunks/s Kafka -> Milvus next to",
            "the raw engine on the same chunks, freshness p50/p99 at a fixed rate, answer latency p50/p99 by stage."
        })
public final class BenchPipelineCommand implements Callable<Integer> {
    @Mixin ConfigMixin config;

    @Option(
            names = "--rate",
            defaultValue = "0.2",
            description = "Documents per second for the freshness run (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--fresh-docs",
            defaultValue = "10",
            description = "Documents in the freshness run (default ${DEFAULT-VALUE}).")
    int freshDocs;

    @Option(
            names = "--questions",
            defaultValue = "10",
            description = "Questions for answer latency (default ${DEFAULT-VALUE}).")
    int questions;

    @Override
    public Integer call() throws Exception {
        GemragConfig c = DemoCommand.demoDefaults(config.load());
        Path dir = Files.createTempDirectory("gemrag-bench-");
        try (EmbeddedStack stack = EmbeddedStack.start(dir, c, s -> System.out.println("  " + s))) {
            PipelineBench.Result r =
                    new PipelineBench(stack, System.out).run(rate, freshDocs, questions);
            System.out.println();
            System.out.print(PipelineBench.table(r, rate));
            System.out.printf(
                    "(%d cores, load average %.1f at the end; model %s)%n",
                    Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage(),
                    stack.model().modelId());
        }
        return 0;
    }
}
