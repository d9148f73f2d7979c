package dev.gemrag.model.gguf;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.CheckpointLoader;
import dev.gemrag.model.fetch.DefaultModel;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Load-time benchmark for the default model: prints a table of the best of 5 runs, each phase as a
 * ratio to reading the file's bytes into memory (the I/O floor) measured in the same run. Not a
 * test; run it as the README shows.
 */
public final class LoadBenchmark {
    public static void main(String[] args) throws Exception {
        Path model = args.length > 0 ? Path.of(args[0]) : DefaultModel.path();
        int runs = 5;
        long read = Long.MAX_VALUE;
        long header = Long.MAX_VALUE;
        long load = Long.MAX_VALUE;
        long checksum = 0;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            try (FileChannel ch = FileChannel.open(model, StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(1 << 22);
                while (ch.read(buf) > 0) {
                    checksum += buf.get(0);
                    buf.clear();
                }
            }
            long t1 = System.nanoTime();
            GgufFile file = GgufReader.read(model);
            long t2 = System.nanoTime();
            Checkpoint cp = CheckpointLoader.load(model);
            long t3 = System.nanoTime();
            checksum += file.tensors().size() + cp.weights().all().size();
            read = Math.min(read, t1 - t0);
            header = Math.min(header, t2 - t1);
            load = Math.min(load, t3 - t2);
        }
        System.out.printf(
                "model: %s (%.1f MB), %d cores, best of %d (checksum %d)%n",
                model.getFileName(),
                Files.size(model) / 1e6,
                Runtime.getRuntime().availableProcessors(),
                runs,
                checksum);
        System.out.println("| phase | ms | x file read |");
        System.out.println("|---|---:|---:|");
        row("read file bytes (reference)", read, read);
        row("GGUF header + metadata", header, read);
        row("full load (dequantise + tokenizer.json)", load, read);
    }

    private static void row(String name, long nanos, long ref) {
        System.out.printf("| %s | %.0f | %.1f |%n", name, nanos / 1e6, (double) nanos / ref);
    }
}
