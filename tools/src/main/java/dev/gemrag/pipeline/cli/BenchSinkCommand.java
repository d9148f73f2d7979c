package dev.gemrag.pipeline.cli;

import dev.gemrag.connectors.local.milvus.MilvusLite;
import dev.gemrag.connectors.milvus.MilvusConnection;
import dev.gemrag.connectors.milvus.MilvusSinkBenchmark;
import dev.gemrag.connectors.milvus.MilvusSinkBenchmark.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gemrag bench-sink}: Milvus sink throughput (rows/s) at several batch sizes, as a table.
 */
@Command(
        name = "bench-sink",
        mixinStandardHelpOptions = true,
        description =
                "Measure Milvus sink throughput (rows/s) at batch sizes 1/100/1000 against Milvus Lite "
                        + "(started here) or --uri.")
public final class BenchSinkCommand implements Callable<Integer> {
    @Option(
            names = "--uri",
            description = "Milvus to measure; default: a Milvus Lite started for the run.")
    String uri;

    @Option(
            names = "--batches",
            split = ",",
            defaultValue = "1,100,1000",
            description = "Batch sizes (rows).")
    List<Integer> batches;

    @Option(
            names = "--rows",
            defaultValue = "5000",
            description = "Rows per measurement (batch 1 uses a tenth).")
    int rows;

    @Option(
            names = "--dim",
            defaultValue = "576",
            description = "Vector dimension (576 = SmolLM2-135M).")
    int dim;

    @Option(names = "--chunks-per-doc", defaultValue = "5", description = "Chunks per document.")
    int chunksPerDoc;

    @Override
    public Integer call() throws Exception {
        if (uri != null) {
            print(run(MilvusConnection.of(uri)), uri);
            return 0;
        }
        Path dir = Files.createTempDirectory("gemrag-bench-sink");
        try (MilvusLite lite = MilvusLite.start(dir)) {
            print(run(MilvusConnection.of(lite.uri())), "Milvus Lite at " + lite.uri());
        }
        return 0;
    }

    private List<Result> run(MilvusConnection connection) throws Exception {
        MilvusSinkBenchmark bench = new MilvusSinkBenchmark(connection, dim, chunksPerDoc);
        bench.sink(100, 500); // warm-up: first collection, JIT, server imports
        List<Result> results = new ArrayList<>();
        for (int b : batches) {
            int n = b == 1 ? Math.max(chunksPerDoc, rows / 10) : rows;
            results.add(bench.rawUpsert(b, n)); // the reference, same rows and batch size
            results.add(bench.sink(b, n));
        }
        return results;
    }

    /**
     * Pairs: reference (client upsert only) then the sink, per batch size; ratio = sink /
     * reference.
     */
    private void print(List<Result> results, String target) {
        System.out.printf(
                "Milvus sink throughput, %s, dim %d, %d chunks/doc%n", target, dim, chunksPerDoc);
        System.out.printf(
                "%-36s %7s %7s %9s %10s %11s%n",
                "mode", "batch", "rows", "seconds", "rows/s", "vs upsert");
        for (int i = 0; i + 1 < results.size(); i += 2) {
            Result ref = results.get(i);
            for (Result r : List.of(ref, results.get(i + 1))) {
                System.out.printf(
                        "%-36s %7d %7d %9.2f %10.0f %10.2fx%n",
                        r.mode(),
                        r.batchRows(),
                        r.rows(),
                        r.seconds(),
                        r.rowsPerSecond(),
                        r.rowsPerSecond() / ref.rowsPerSecond());
            }
        }
    }
}
