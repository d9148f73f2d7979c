package dev.gemrag.pipeline.cli;

import dev.gemrag.model.eval.EmbeddingBenchmark;
import dev.gemrag.model.eval.MiniLmEmbedder;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gemrag bench-embed}: embedding throughput table with same-run references. */
@Command(
        name = "bench-embed",
        mixinStandardHelpOptions = true,
        description =
                "Embedding texts/s and tokens/s at 64/256/512 tokens for batch 1/8/32, model FLOP/s vs an FP32 "
                        + "matmul, engine overhead vs direct calls, and MiniLM on the same inputs.")
public final class BenchEmbedCommand implements Callable<Integer> {
    @Mixin ModelAndAdapterOption model;

    @Option(
            names = "--quick",
            description = "64/256 tokens, batch 1/8, short timings (about a minute)")
    boolean quick;

    @Option(names = "--no-minilm", description = "skip the MiniLM column")
    boolean noMiniLm;

    @Option(names = "--out", description = "also write the table (Markdown) to this file")
    Path out;

    @Override
    public Integer call() throws Exception {
        int[] lengths = quick ? new int[] {64, 256} : new int[] {64, 256, 512};
        int[] batches = quick ? new int[] {1, 8} : new int[] {1, 8, 32};
        try (GemLanguageModel m = ModelRuntime.loadDefault(model.value(), model.adapter())) {
            EmbeddingBenchmark bench =
                    new EmbeddingBenchmark(
                            m,
                            noMiniLm ? null : new MiniLmEmbedder(),
                            quick ? 1.0 : 3.0,
                            System.err::println);
            String table = bench.run(lengths, batches, quick ? 32 : 128).render();
            System.out.print(table);
            if (out != null) {
                Files.writeString(out, table);
            }
        }
        return 0;
    }
}
