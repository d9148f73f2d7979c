package dev.gemrag.pipeline.cli;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.fetch.ModelLocator;
import dev.gemrag.model.gem.ModelRuntime;
import dev.gemrag.model.tokenizer.HfTextTokenizer;
import dev.gemrag.model.train.GemTrainer;
import dev.gemrag.model.train.TrainConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gemrag train}: GEM fine-tuning (summary rows + LoRA) on a plain-text file, writes an adapter. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "GEM self-supervised fine-tuning: mixed next-token prediction with summary tokens, then "
                + "contrastive. Trains summary rows + LoRA; writes an adapter (docs/ADAPTER_FORMAT.md).")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "plain text, one passage per line")
    Path data;

    @Option(names = "--out", required = true, description = "adapter descriptor to write, e.g. models/gem.json")
    Path out;

    @Mixin
    ModelOption model;

    @Option(names = "--steps", defaultValue = "200", description = "optimizer steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--ntp-steps", defaultValue = "100", description = "next-token steps before the contrastive phase (default: ${DEFAULT-VALUE})")
    int ntpSteps;

    @Option(names = "--batch", defaultValue = "8", description = "sequences per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--max-tokens", defaultValue = "128", description = "tokens per sequence (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--k", defaultValue = "1", description = "summary tokens (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--rank", defaultValue = "8", description = "LoRA rank, 0 = summary rows only (default: ${DEFAULT-VALUE})")
    int rank;

    @Option(names = "--alpha", defaultValue = "16", description = "LoRA alpha (default: ${DEFAULT-VALUE})")
    float alpha;

    @Option(names = "--targets", defaultValue = "wq,wk,wv,wo,w1,w2,w3", split = ",",
            description = "projections with a LoRA (default: ${DEFAULT-VALUE})")
    List<String> targets;

    @Option(names = "--lr-ntp", defaultValue = "1e-4", description = "peak learning rate, NTP phase (default: ${DEFAULT-VALUE})")
    float lrNtp;

    @Option(names = "--lr-cl", defaultValue = "1e-5", description = "peak learning rate, contrastive phase (default: ${DEFAULT-VALUE})")
    float lrCl;

    @Option(names = "--split-fraction", defaultValue = "0.2", description = "share of NTP sequences split around summary tokens (default: ${DEFAULT-VALUE})")
    float splitFraction;

    @Option(names = "--dropout", defaultValue = "0.1", description = "token dropout of the contrastive positive (default: ${DEFAULT-VALUE})")
    float dropout;

    @Option(names = "--seed", defaultValue = "42", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--checkpoint-every", defaultValue = "50", description = "steps between checkpoints, 0 = end only (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--resume", description = "continue from the checkpoint next to --out")
    boolean resume;

    @Option(names = "--query-instruction", defaultValue = TrainConfig.DEFAULT_QUERY_INSTRUCTION,
            description = "instruction stored for queries (default: '${DEFAULT-VALUE}')")
    String queryInstruction;

    @Option(names = "--full-finetune", description = "not supported: the adapter format holds LoRA pairs and summary rows only")
    boolean fullFinetune;

    @Override
    public Integer call() throws Exception {
        if (fullFinetune) {
            throw new IllegalArgumentException("--full-finetune is not supported: the adapter format stores LoRA pairs and "
                    + "summary rows only (use a high --rank instead)");
        }
        String command = "gemrag train " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        TrainConfig cfg = new TrainConfig(data, out, steps, ntpSteps, batch, maxTokens, k, rank, alpha, targets, lrNtp,
                lrCl, splitFraction, dropout, seed, checkpointEvery, resume, queryInstruction, command);
        Path base = ModelLocator.resolve(model.value());
        Checkpoint checkpoint = ModelRuntime.loadCheckpoint(base);
        try (HfTextTokenizer tokenizer = HfTextTokenizer.of(checkpoint)) {
            new GemTrainer(checkpoint, tokenizer, cfg).train(null);
        }
        System.out.println("adapter written: " + out + " (+ " + Arrays.toString(new String[] {
            dev.gemrag.model.gem.GemAdapter.tensorsPath(out).getFileName().toString()}) + ")");
        return 0;
    }
}
