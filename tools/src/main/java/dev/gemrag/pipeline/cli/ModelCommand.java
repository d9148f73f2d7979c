package dev.gemrag.pipeline.cli;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.CheckpointLoader;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.fetch.ModelLocator;
import dev.gemrag.model.tokenizer.HfTextTokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gemrag model}: fetches the model if needed, loads it and says what it is. */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        description =
                "Fetch (if missing), load and describe a model: checksum, architecture, tokenizer, load time.")
public final class ModelCommand implements Callable<Integer> {
    @Mixin ModelOption model;

    @Option(
            names = "--tokenize",
            paramLabel = "TEXT",
            description = "Also print the token ids of TEXT.")
    String text;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path path = ModelLocator.resolve(model.value());
        long start = System.nanoTime();
        Checkpoint cp = CheckpointLoader.load(path);
        long ms = (System.nanoTime() - start) / 1_000_000;
        LlamaConfig c = cp.config();
        long params = cp.weights().all().values().stream().mapToLong(WeightTensor::size).sum();
        out.printf("model      %s%n", cp.source());
        out.printf("sha256     %s%n", cp.sha256());
        out.printf(
                "arch       %s, %d layers, hidden %d, heads %d/%d x %d, ffn %d, vocab %d, context %d, rope %s (theta %.0f), tied %s%n",
                c.architecture(),
                c.numLayers(),
                c.hiddenSize(),
                c.numHeads(),
                c.numKvHeads(),
                c.headDim(),
                c.intermediateSize(),
                c.vocabSize(),
                c.maxPositions(),
                c.ropeLayout(),
                c.ropeTheta(),
                c.tiedEmbeddings() ? "yes" : "no");
        out.printf(
                "weights    %d tensors, %.1fM parameters, %d MB as FP32%n",
                cp.weights().all().size(), params / 1e6, params * 4 / 1_000_000);
        out.printf(
                "tokens     bos %s, end-of-generation %s, chat template %s%n",
                cp.bosTokenId() < 0 ? "none" : String.valueOf(cp.bosTokenId()),
                cp.eosTokenIds(),
                cp.chatTemplate() == null ? "none" : cp.chatTemplate().length() + " chars");
        out.printf("loaded in  %d ms%n", ms);
        if (text != null) {
            try (HfTextTokenizer tok = HfTextTokenizer.of(cp)) {
                int[] ids = tok.encode(text);
                out.printf("ids        %s (%d tokens)%n", Arrays.toString(ids), ids.length);
            }
        }
        out.flush();
        return 0;
    }
}
