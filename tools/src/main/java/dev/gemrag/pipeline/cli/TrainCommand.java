package dev.gemrag.pipeline.cli;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.fetch.ModelLocator;
import dev.gemrag.model.gem.ModelRuntime;
import dev.gemrag.model.tokenizer.HfTextTokenizer;
import dev.gemrag.model.train.Distillation;
import dev.gemrag.model.train.GemTrainer;
import dev.gemrag.model.train.Teachers;
import dev.gemrag.model.train.TrainConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gemrag train}: GEM fine-tuning (summary rows + LoRA) on a plain-text file, writes an
 * adapter.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "GEM self-supervised fine-tuning: mixed next-token prediction with summary tokens, then "
                        + "contrastive. Trains summary rows + LoRA; writes an adapter (docs/ADAPTER_FORMAT.md).")
public final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--data",
            description =
                    "plain text, one passage per line (NTP phase; and the contrastive phase "
                            + "when --pairs is not given)")
    Path data;

    @Option(
            names = "--pairs",
            description =
                    "JSON-lines (query, passage) pairs, e.g. shared/data/pairs/pairs.jsonl: "
                            + "the contrastive phase becomes query -> passage InfoNCE (held out: faq-qa pairs on lines divisible by 10)")
    Path pairs;

    @Option(
            names = "--lora-positions",
            defaultValue = "all",
            description =
                    "all: LoRA on every token (the paper's layout); "
                            + "summary: only at the summary step, text and generation run the base weights (needs --pairs, "
                            + "--ntp-steps 0) (default: ${DEFAULT-VALUE})")
    String loraPositions;

    @Option(
            names = "--hard-negatives",
            defaultValue = "0",
            description = "BM25-mined hard negatives per pair " + "(default: ${DEFAULT-VALUE})")
    int hardNegatives;

    @Option(
            names = "--teachers",
            split = ",",
            description =
                    "teacher embedders to distil from: minilm, bge-small "
                            + "(training time only; their vectors are cached per pairs file)")
    List<String> teachers = List.of();

    @Option(
            names = "--distill-weight",
            defaultValue = "0",
            description =
                    "share of the teacher KL term in the pair "
                            + "loss, (1 - w) InfoNCE + w KL; 0 = off, 1 = distillation alone (default: ${DEFAULT-VALUE})")
    float distillWeight;

    @Option(
            names = "--distill-temperature",
            defaultValue = "0.05",
            description = "teacher softmax temperature " + "(default: ${DEFAULT-VALUE})")
    float distillTemperature;

    @Option(
            names = "--teacher-cache",
            description = "folder of cached teacher vectors (default: ~/.cache/gemrag/teachers)")
    Path teacherCache;

    @Option(
            names = "--out",
            required = true,
            description = "adapter descriptor to write, e.g. models/gem.json")
    Path out;

    @Mixin ModelOption model;

    @Option(
            names = "--steps",
            defaultValue = "200",
            description = "optimizer steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(
            names = "--ntp-steps",
            defaultValue = "100",
            description =
                    "next-token steps before the contrastive phase (default: ${DEFAULT-VALUE})")
    int ntpSteps;

    @Option(
            names = "--batch",
            defaultValue = "8",
            description = "sequences per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--max-tokens",
            defaultValue = "128",
            description = "tokens per sequence (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(
            names = "--k",
            defaultValue = "1",
            description = "summary tokens (default: ${DEFAULT-VALUE})")
    int k;

    @Option(
            names = "--rank",
            defaultValue = "8",
            description = "LoRA rank, 0 = summary rows only (default: ${DEFAULT-VALUE})")
    int rank;

    @Option(
            names = "--alpha",
            defaultValue = "16",
            description = "LoRA alpha (default: ${DEFAULT-VALUE})")
    float alpha;

    @Option(
            names = "--targets",
            defaultValue = "wq,wk,wv,wo,w1,w2,w3",
            split = ",",
            description = "projections with a LoRA (default: ${DEFAULT-VALUE})")
    List<String> targets;

    @Option(
            names = "--lr-ntp",
            defaultValue = "1e-4",
            description = "peak learning rate, NTP phase (default: ${DEFAULT-VALUE})")
    float lrNtp;

    @Option(
            names = "--lr-cl",
            defaultValue = "1e-5",
            description = "peak learning rate, contrastive phase (default: ${DEFAULT-VALUE})")
    float lrCl;

    @Option(
            names = "--split-fraction",
            defaultValue = "0.2",
            description =
                    "share of NTP sequences split around summary tokens (default: ${DEFAULT-VALUE})")
    float splitFraction;

    @Option(
            names = "--dropout",
            defaultValue = "0.1",
            description = "token dropout of the contrastive positive (default: ${DEFAULT-VALUE})")
    float dropout;

    @Option(names = "--seed", defaultValue = "42", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "50",
            description = "steps between checkpoints, 0 = end only (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--resume", description = "continue from the checkpoint next to --out")
    boolean resume;

    @Option(
            names = "--init",
            description =
                    "adapter descriptor to start from (its summary rows, LoRA pairs and logit scale; a fresh "
                            + "optimizer and schedule): a second training stage. Its base, k, rank, alpha, targets and "
                            + "--lora-positions must match this run's")
    Path init;

    @Option(
            names = "--logit-scale",
            description =
                    "contrastive logit scale (1 / temperature) a fresh run starts at, in [1, 100]; it is learned but "
                            + "moves by a few percent in a run (default: "
                            + TrainConfig.DEFAULT_LOGIT_SCALE
                            + ", the paper's; with --init the first stage's scale continues)")
    Float logitScale;

    @Option(
            names = "--query-instruction",
            defaultValue = TrainConfig.DEFAULT_QUERY_INSTRUCTION,
            description =
                    "instruction for queries: stored in the adapter (the runtime prepends it to QUERY embeddings); "
                            + "with --pairs also prepended to every training query (default: '${DEFAULT-VALUE}')")
    String queryInstruction;

    @Option(
            names = "--full-finetune",
            description =
                    "not supported: the adapter format holds LoRA pairs and summary rows only")
    boolean fullFinetune;

    @Override
    public Integer call() throws Exception {
        if (fullFinetune) {
            throw new IllegalArgumentException(
                    "--full-finetune is not supported: the adapter format stores LoRA pairs and "
                            + "summary rows only (use a high --rank instead)");
        }
        if (data == null && (pairs == null || ntpSteps > 0)) {
            throw new IllegalArgumentException(
                    "--data is needed (next-token phase, or contrastive without --pairs)");
        }
        if (!loraPositions.equals("all") && !loraPositions.equals("summary")) {
            throw new IllegalArgumentException(
                    "--lora-positions must be 'all' or 'summary', got '" + loraPositions + "'");
        }
        if (logitScale != null && init != null) {
            throw new IllegalArgumentException(
                    "--logit-scale starts a fresh run; a second stage (--init) continues its first stage's scale");
        }
        List<String> args =
                new java.util.ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (!args.isEmpty() && args.get(0).equals("train")) {
            args.remove(0); // the top-level parse result starts with the subcommand's name
        }
        // the adapter is reproduced by the command without --resume (resuming is exact)
        args.removeIf(a -> a.equals("--resume"));
        String command = "gemrag train " + String.join(" ", args);
        Distillation distillation =
                new Distillation(
                        teachers,
                        distillWeight,
                        distillTemperature,
                        teacherCache != null ? teacherCache : Teachers.defaultCacheDir());
        TrainConfig cfg =
                TrainConfig.defaults(data, out)
                        .copy(
                                b ->
                                        b.sizes(steps, ntpSteps, batch, maxTokens)
                                                .targets(targets)
                                                .lora(k, rank, alpha, lrNtp, lrCl)
                                                .queryInstruction(queryInstruction)
                                                .run(seed, checkpointEvery, resume, command)
                                                .distillation(distillation)
                                                .augmentation(splitFraction, dropout)
                                                .init(init)
                                                .logitScale(
                                                        logitScale != null
                                                                ? logitScale
                                                                : TrainConfig.DEFAULT_LOGIT_SCALE)
                                                .pairs(
                                                        pairs,
                                                        loraPositions.equals("summary"),
                                                        hardNegatives));
        Path base = ModelLocator.resolve(model.value());
        Checkpoint checkpoint = ModelRuntime.loadCheckpoint(base);
        try (HfTextTokenizer tokenizer = HfTextTokenizer.of(checkpoint)) {
            new GemTrainer(checkpoint, tokenizer, cfg).train(null);
        }
        System.out.println(
                "adapter written: "
                        + out
                        + " (+ "
                        + Arrays.toString(
                                new String[] {
                                    dev.gemrag.model.gem.GemAdapter.tensorsPath(out)
                                            .getFileName()
                                            .toString()
                                })
                        + ")");
        return 0;
    }
}
