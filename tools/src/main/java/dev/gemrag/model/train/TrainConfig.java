package dev.gemrag.model.train;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * GEM fine-tuning settings (paper defaults in brackets where they differ for CPU practicality).
 *
 * @param data plain text, one passage per line
 * @param out adapter descriptor to write ({@code NAME.json}; tensors go to {@code
 *     NAME.safetensors})
 * @param steps optimizer steps in total
 * @param ntpSteps steps of pure next-token prediction before the contrastive phase [100]
 * @param batchSize sequences per step [32]
 * @param maxTokens tokens per sequence, summary tokens included [512]
 * @param k summary tokens [1]
 * @param rank LoRA rank; 0 trains only the summary rows
 * @param alpha LoRA alpha (scale = alpha / rank)
 * @param targets projections that get a LoRA
 * @param lrNtp peak learning rate in the NTP phase [1e-4]
 * @param lrCl peak learning rate in the contrastive phase [1e-5]
 * @param splitFraction share of NTP sequences split as prefix + summary + suffix [0.2]
 * @param dropout token dropout probability in the positive's prefix
 * @param seed fixes data order, splits, dropout and initialisation
 * @param checkpointEvery steps between resumable checkpoints (0: only at the end)
 * @param resume continue from the checkpoint next to {@code out} when there is one
 * @param queryInstruction written into the descriptor; with {@code pairs} also prepended to every
 *     training query (so the instruction is trained with, and the runtime applies it to queries)
 * @param command the command line, recorded in the descriptor
 * @param pairs null: self-supervised contrastive phase on {@code data}; else a JSON-lines pairs
 *     file ({@link TrainingPairs}): the contrastive phase is query -> passage InfoNCE
 * @param summaryOnly LoRA only at the summary step ({@link dev.gemrag.model.gem.SummaryPass}); the
 *     text runs the base weights without gradients. Needs pairs and no NTP phase
 * @param hardNegatives BM25-mined hard negatives per pair ({@link Bm25Negatives}), 0 for in-batch
 *     only
 * @param distillation teacher distillation mixed into the pair objective ({@link
 *     Distillation#NONE}: off)
 * @param init null: fresh parameters; else an adapter descriptor whose summary rows and LoRA pairs
 *     are the starting point (a second stage; optimizer and schedule start fresh, {@link
 *     InitAdapter})
 * @param logitScale the contrastive logit scale (1 / temperature) fresh parameters start at [20];
 *     it is learned, but at the contrastive learning rate it moves by a few percent in a run, so in
 *     practice this sets the temperature
 */
public record TrainConfig(
        Path data,
        Path out,
        int steps,
        int ntpSteps,
        int batchSize,
        int maxTokens,
        int k,
        int rank,
        float alpha,
        List<String> targets,
        float lrNtp,
        float lrCl,
        float splitFraction,
        float dropout,
        long seed,
        int checkpointEvery,
        boolean resume,
        String queryInstruction,
        String command,
        Path pairs,
        boolean summaryOnly,
        int hardNegatives,
        Distillation distillation,
        Path init,
        float logitScale) {

    /** The paper's initial logit scale (CLIP-style, learned, clamped to [1, 100]). */
    public static final float DEFAULT_LOGIT_SCALE = 20f;

    public static final String DEFAULT_QUERY_INSTRUCTION =
            "Given a question, retrieve passages that answer it: ";

    public TrainConfig {
        if (steps <= 0 || batchSize < 2 || k < 1 || rank < 0 || ntpSteps < 0) {
            throw new IllegalArgumentException(
                    "train: need steps > 0, batch >= 2 (in-batch negatives), k >= 1, "
                            + "rank >= 0, ntp steps >= 0; got steps "
                            + steps
                            + ", batch "
                            + batchSize
                            + ", k "
                            + k
                            + ", rank "
                            + rank
                            + ", ntp steps "
                            + ntpSteps);
        }
        if (maxTokens <= k + 2) {
            throw new IllegalArgumentException(
                    "train: max tokens "
                            + maxTokens
                            + " leaves no room for text around "
                            + k
                            + " summary tokens");
        }
        if (splitFraction < 0 || splitFraction > 1 || dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException(
                    "train: split fraction must be in [0, 1] and dropout in [0, 1)");
        }
        if (hardNegatives < 0 || (hardNegatives > 0 && pairs == null)) {
            throw new IllegalArgumentException(
                    "train: hard negatives need --pairs and must be >= 0, got " + hardNegatives);
        }
        if (summaryOnly && (pairs == null || ntpSteps > 0)) {
            throw new IllegalArgumentException(
                    "train: a summary-only adapter is trained on --pairs with --ntp-steps 0 "
                            + "(generation runs the base weights, so next-token training has nothing to protect)");
        }
        if (!(logitScale >= 1f && logitScale <= 100f)) {
            throw new IllegalArgumentException(
                    "train: --logit-scale must be in [1, 100] (temperature 1 to 0.01), got "
                            + logitScale);
        }
        java.util.Objects.requireNonNull(distillation, "distillation (Distillation.NONE for none)");
        if (distillation.enabled() && pairs == null) {
            throw new IllegalArgumentException(
                    "train: distillation needs --pairs (teachers rank the pairs' passages)");
        }
    }

    /** Small-CPU defaults: 200 steps, 100 NTP, batch 8, 128 tokens, k 1, rank 8, alpha 16. */
    public static TrainConfig defaults(Path data, Path out) {
        return new TrainConfig(
                data,
                out,
                200,
                100,
                8,
                128,
                1,
                8,
                16f,
                List.of("wq", "wk", "wv", "wo", "w1", "w2", "w3"),
                1e-4f,
                1e-5f,
                0.2f,
                0.1f,
                42L,
                50,
                false,
                DEFAULT_QUERY_INSTRUCTION,
                "gemrag train",
                null,
                false,
                0,
                Distillation.NONE,
                null,
                DEFAULT_LOGIT_SCALE);
    }

    /** {@link #logitScale} as the parameter the trainer learns: its natural logarithm. */
    public float logLogitScale() {
        return (float) Math.log(logitScale);
    }

    public TrainConfig with(int steps, int ntpSteps, int batchSize, int maxTokens) {
        return copy(b -> b.sizes(steps, ntpSteps, batchSize, maxTokens));
    }

    public TrainConfig withLora(int k, int rank, float alpha, float lrNtp, float lrCl) {
        return copy(b -> b.lora(k, rank, alpha, lrNtp, lrCl));
    }

    public TrainConfig withRun(long seed, int checkpointEvery, boolean resume, String command) {
        return copy(b -> b.run(seed, checkpointEvery, resume, command));
    }

    /** Query -> passage training on {@code pairs}. */
    public TrainConfig withPairs(Path pairs, boolean summaryOnly, int hardNegatives) {
        return copy(b -> b.pairs(pairs, summaryOnly, hardNegatives));
    }

    public TrainConfig withDistillation(Distillation distillation) {
        return copy(b -> b.distillation(distillation));
    }

    public TrainConfig withInit(Path init) {
        return copy(b -> b.init(init));
    }

    /**
     * This config with what {@code change} sets on a {@link Builder}; validated once, on the
     * result, so a caller that changes several groups gets the constructor's message for the whole.
     */
    public TrainConfig copy(Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    /**
     * The one place that lists every field for a copy: the withers and the CLI set groups of them
     * (the groups of the withers), and {@link #copy} builds and validates the record once.
     */
    public static final class Builder {
        private Path data;
        private Path out;
        private int steps;
        private int ntpSteps;
        private int batchSize;
        private int maxTokens;
        private int k;
        private int rank;
        private float alpha;
        private List<String> targets;
        private float lrNtp;
        private float lrCl;
        private float splitFraction;
        private float dropout;
        private long seed;
        private int checkpointEvery;
        private boolean resume;
        private String queryInstruction;
        private String command;
        private Path pairs;
        private boolean summaryOnly;
        private int hardNegatives;
        private Distillation distillation;
        private Path init;
        private float logitScale;

        private Builder(TrainConfig c) {
            data = c.data;
            out = c.out;
            steps = c.steps;
            ntpSteps = c.ntpSteps;
            batchSize = c.batchSize;
            maxTokens = c.maxTokens;
            k = c.k;
            rank = c.rank;
            alpha = c.alpha;
            targets = c.targets;
            lrNtp = c.lrNtp;
            lrCl = c.lrCl;
            splitFraction = c.splitFraction;
            dropout = c.dropout;
            seed = c.seed;
            checkpointEvery = c.checkpointEvery;
            resume = c.resume;
            queryInstruction = c.queryInstruction;
            command = c.command;
            pairs = c.pairs;
            summaryOnly = c.summaryOnly;
            hardNegatives = c.hardNegatives;
            distillation = c.distillation;
            init = c.init;
            logitScale = c.logitScale;
        }

        public Builder sizes(int steps, int ntpSteps, int batchSize, int maxTokens) {
            this.steps = steps;
            this.ntpSteps = ntpSteps;
            this.batchSize = batchSize;
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder targets(List<String> targets) {
            this.targets = targets;
            return this;
        }

        public Builder lora(int k, int rank, float alpha, float lrNtp, float lrCl) {
            this.k = k;
            this.rank = rank;
            this.alpha = alpha;
            this.lrNtp = lrNtp;
            this.lrCl = lrCl;
            return this;
        }

        public Builder queryInstruction(String queryInstruction) {
            this.queryInstruction = queryInstruction;
            return this;
        }

        public Builder run(long seed, int checkpointEvery, boolean resume, String command) {
            this.seed = seed;
            this.checkpointEvery = checkpointEvery;
            this.resume = resume;
            this.command = command;
            return this;
        }

        public Builder distillation(Distillation distillation) {
            this.distillation = distillation;
            return this;
        }

        public Builder augmentation(float splitFraction, float dropout) {
            this.splitFraction = splitFraction;
            this.dropout = dropout;
            return this;
        }

        public Builder init(Path init) {
            this.init = init;
            return this;
        }

        public Builder logitScale(float logitScale) {
            this.logitScale = logitScale;
            return this;
        }

        public Builder pairs(Path pairs, boolean summaryOnly, int hardNegatives) {
            this.pairs = pairs;
            this.summaryOnly = summaryOnly;
            this.hardNegatives = hardNegatives;
            return this;
        }

        private TrainConfig build() {
            return new TrainConfig(
                    data,
                    out,
                    steps,
                    ntpSteps,
                    batchSize,
                    maxTokens,
                    k,
                    rank,
                    alpha,
                    targets,
                    lrNtp,
                    lrCl,
                    splitFraction,
                    dropout,
                    seed,
                    checkpointEvery,
                    resume,
                    queryInstruction,
                    command,
                    pairs,
                    summaryOnly,
                    hardNegatives,
                    distillation,
                    init,
                    logitScale);
        }
    }
}
