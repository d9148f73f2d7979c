package dev.gemrag.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.gem.AdapterDescriptor;
import dev.gemrag.model.gem.GemAdapter;
import dev.gemrag.model.gem.Safetensors;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.tokenizer.FramedTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GEM fine-tuning with DJL autograd: mixed next-token prediction for the first {@code ntpSteps}
 * steps (a = 0), then the contrastive objective (a = 1); L = (1-a) NTP + a CL. Trains the summary
 * rows and LoRA pairs ({@link GemParameters}) with {@link Adam} under a {@link CosineSchedule};
 * base weights are frozen. Writes the adapter (docs/ADAPTER_FORMAT.md) at every checkpoint and at
 * the end; a checkpoint ({@code NAME.train/}) holds parameters, Adam moments and the step, so
 * {@code resume} continues exactly (the data order is a function of seed and step).
 */
public final class GemTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(GemTrainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Checkpoint base;
    private final TextTokenizer tokenizer;
    private final TrainConfig config;

    /**
     * Wall time of the runs before a resume (from the checkpoint), so the descriptor states the
     * whole run's.
     */
    private double priorWallSeconds;

    /** The adapter this run starts from ({@code --init}), or null. */
    private InitAdapter init;

    public GemTrainer(Checkpoint base, TextTokenizer tokenizer, TrainConfig config) {
        this.base = base;
        this.tokenizer =
                FramedTokenizer.of(
                        tokenizer, base); // the inputs GemLanguageModel embeds: BOS if asked
        this.config = config;
    }

    public Path checkpointDir() {
        String name = config.out().getFileName().toString().replaceFirst("\\.json$", "");
        return config.out().toAbsolutePath().resolveSibling(name + ".train");
    }

    /**
     * Trains and writes the adapter; {@code onStep} sees every step (may be null). Returns the
     * adapter.
     */
    public GemAdapter train(Consumer<StepStats> onStep) throws IOException {
        long wallStart = System.nanoTime();
        if (config.init() != null) {
            // checked before the data and the model load: a mismatch fails in a second
            init = InitAdapter.read(config.init());
            init.checkMatches(config, base.sha256());
        }
        TrainingText data =
                config.pairs() != null && config.ntpSteps() == 0
                        ? null
                        : TrainingText.read(
                                config.data(),
                                tokenizer,
                                config.maxTokens() - config.k(),
                                config.seed());
        try (PairSteps pairSteps =
                config.pairs() == null
                        ? null
                        : PairSteps.load(config, tokenizer, base.config().vocabSize())) {
            return train(onStep, wallStart, data, pairSteps);
        }
    }

    private GemAdapter train(
            Consumer<StepStats> onStep, long wallStart, TrainingText data, PairSteps pairSteps)
            throws IOException {
        LOG.info(
                "GEM training: {} {} steps ({} NTP then contrastive{}), batch {}, {} tokens, k {}, LoRA rank {}{}",
                pairSteps != null
                        ? pairSteps.pairs().size()
                                + " pairs ("
                                + pairSteps.pairs().heldOutCount()
                                + " held out),"
                        : data.size() + " passages,",
                config.steps(),
                config.ntpSteps(),
                pairSteps != null
                        ? " on pairs, " + config.hardNegatives() + " BM25 hard negatives each"
                        : "",
                config.batchSize(),
                config.maxTokens(),
                config.k(),
                config.rank(),
                config.summaryOnly() ? " at the summary step only" : " on all tokens");
        if (config.distillation().enabled()) {
            LOG.info(
                    "distillation from {} (weight {}, temperature {}), teacher vectors cached in {}",
                    config.distillation().teachers(),
                    config.distillation().weight(),
                    config.distillation().temperature(),
                    config.distillation().cacheDir());
        }
        CosineSchedule schedule =
                new CosineSchedule(
                        config.ntpSteps(), config.steps(), config.lrNtp(), config.lrCl());
        int vocab = base.config().vocabSize();
        try (LlamaModel model = LlamaModel.create(base.config(), base.weights());
                GemParameters params =
                        new GemParameters(
                                model,
                                base.weights(),
                                config.k(),
                                config.rank(),
                                config.alpha(),
                                config.targets(),
                                config.seed(),
                                config.logLogitScale());
                Adam adam = Adam.standard(model.newManager())) {
            params.install(model, config.summaryOnly());
            if (init != null) {
                params.load(init.values(config.logLogitScale()));
                LOG.info(
                        "starting from adapter {} (tensors sha256 {}, log logit scale {}); optimizer and schedule fresh",
                        init.path(),
                        init.sha256(),
                        init.logitScale() != null ? init.logitScale() : "not recorded, fresh");
            }
            int start = config.resume() ? restore(params, adam) : 0;
            long runStart = System.nanoTime();
            for (int step = start; step < config.steps(); step++) {
                long t0 = System.nanoTime();
                float lr = schedule.at(step);
                boolean contrastive = step >= config.ntpSteps();
                List<int[]> texts =
                        contrastive && pairSteps != null
                                ? List.of()
                                : data.batch(step, config.batchSize());
                double ntp = Double.NaN;
                double cl = Double.NaN;
                double kd = Double.NaN;
                long tokens = 0;
                boolean update = false;
                // a safety net: a non-finite gradient on a finite loss is recomputed once, and the
                // update skipped if it persists, rather than let NaN reach the parameters (the
                // intermittent ones of earlier rounds were a freed constant, see Scalars)
                for (int attempt = 0; attempt < 2 && !update; attempt++) {
                    try (NDManager m = model.newManager();
                            GradientCollector gc =
                                    Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray loss;
                        if (contrastive && pairSteps != null) {
                            PairSteps.Step b = pairSteps.step(step);
                            PairSteps.Losses parts = pairSteps.loss(model, m, params, b);
                            loss = parts.total();
                            cl = loss.getFloat();
                            kd = parts.distill();
                            tokens = b.tokens();
                        } else if (contrastive) {
                            ContrastiveBatch b =
                                    ContrastiveBatch.build(
                                            texts,
                                            config.k(),
                                            vocab,
                                            config.dropout(),
                                            new Random(config.seed() * 1_000_003L + step));
                            loss = GemLosses.contrastive(model, m, b, params.logitScale(m));
                            cl = loss.getFloat();
                            tokens = b.tokens();
                        } else {
                            NtpBatch b =
                                    NtpBatch.build(
                                            texts,
                                            config.k(),
                                            vocab,
                                            config.splitFraction(),
                                            new Random(config.seed() * 1_000_003L + step));
                            loss = GemLosses.nextToken(model, m, b);
                            ntp = loss.getFloat();
                            tokens = b.tokens();
                        }
                        if (!Double.isFinite(contrastive ? cl : ntp)) {
                            throw new IllegalStateException(
                                    "loss is "
                                            + (contrastive ? cl : ntp)
                                            + " at step "
                                            + (step + 1)
                                            + ": training diverged; lower the learning rate or resume from the last checkpoint");
                        }
                        gc.backward(loss);
                    }
                    String bad = params.nonFiniteGradientCounts();
                    update = bad.isEmpty();
                    if (!update) {
                        params.zeroGradients();
                        LOG.warn(
                                "step {}: non-finite gradient with loss {} (parameter non-finite/size: {}), {}",
                                step + 1,
                                contrastive ? cl : ntp,
                                bad,
                                attempt == 0 ? "recomputing the step" : "update skipped");
                    }
                }
                if (update) {
                    adam.step(params.all(), lr);
                }
                params.clamp();
                long nanos = System.nanoTime() - t0;
                int done = step - start + 1;
                long eta =
                        (long)
                                ((System.nanoTime() - runStart)
                                        / 1e9
                                        / done
                                        * (config.steps() - step - 1));
                StepStats stats =
                        new StepStats(
                                step + 1,
                                config.steps(),
                                ntp,
                                cl,
                                contrastive ? cl : ntp,
                                lr,
                                params.logitScaleValue(),
                                tokens,
                                nanos,
                                eta);
                LOG.info(
                        String.format(
                                Locale.ROOT,
                                "step %d/%d %s %.4f%s lr %.2e scale %.1f %.0f tok/s eta %ds",
                                stats.step(),
                                stats.steps(),
                                contrastive ? "cl" : "ntp",
                                stats.loss(),
                                Double.isNaN(kd)
                                        ? ""
                                        : String.format(Locale.ROOT, " (kl %.4f)", kd),
                                lr,
                                stats.logitScale(),
                                stats.tokensPerSecond(),
                                eta));
                if (onStep != null) {
                    onStep.accept(stats);
                }
                boolean last = step + 1 == config.steps();
                if (last
                        || (config.checkpointEvery() > 0
                                && (step + 1) % config.checkpointEvery() == 0)) {
                    save(params, adam, step + 1, wallStart);
                }
            }
            if (start >= config.steps()) {
                LOG.info(
                        "checkpoint already at step {} of {}: nothing to train",
                        start,
                        config.steps());
            }
            return writeAdapter(params, Math.max(start, config.steps()), wallStart);
        }
    }

    private GemAdapter writeAdapter(GemParameters params, int steps, long wallStart)
            throws IOException {
        AdapterDescriptor d =
                new AdapterDescriptor(
                        AdapterDescriptor.FORMAT,
                        new AdapterDescriptor.BaseModel(
                                base.source().getFileName().toString(), base.sha256()),
                        summaryTokenNames(config.k()),
                        config.k(),
                        "gem",
                        true,
                        config.queryInstruction(),
                        "",
                        config.maxTokens(),
                        config.rank() == 0
                                ? null
                                : new AdapterDescriptor.Lora(
                                        config.rank(),
                                        config.alpha(),
                                        config.targets(),
                                        config.summaryOnly()
                                                ? AdapterDescriptor.Lora.SUMMARY
                                                : AdapterDescriptor.Lora.ALL),
                        training(
                                steps,
                                priorWallSeconds + (System.nanoTime() - wallStart) / 1e9,
                                params.all().get(GemParameters.LOGIT_SCALE).getFloat()));
        GemAdapter adapter = new GemAdapter(d.validate(), params.adapterTensors());
        adapter.write(config.out());
        return adapter;
    }

    static List<String> summaryTokenNames(int k) {
        return java.util.stream.IntStream.range(0, k)
                .mapToObj(j -> "<|gem_summary_" + j + "|>")
                .toList();
    }

    private AdapterDescriptor.Training training(int steps, double wallSeconds, float logLogitScale)
            throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        if (config.pairs() == null || config.ntpSteps() > 0) {
            files.put(config.data().getFileName().toString(), DataChecksum.sha256(config.data()));
        }
        if (config.pairs() != null) {
            files.put(config.pairs().getFileName().toString(), DataChecksum.sha256(config.pairs()));
        }
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put(
                "objective",
                config.pairs() == null
                        ? "self-supervised: NTP then InfoNCE (token-dropout positive)"
                        : (config.ntpSteps() > 0 ? "NTP, then " : "")
                                + "InfoNCE query -> passage, in-batch negatives"
                                + (config.hardNegatives() > 0
                                        ? " + "
                                                + config.hardNegatives()
                                                + " BM25 hard negative(s) per pair"
                                        : "")
                                + ", query instruction prepended to training queries"
                                + (config.distillation().enabled()
                                        ? "; distillation: "
                                                + (1 - config.distillation().weight())
                                                + " InfoNCE + "
                                                + config.distillation().weight()
                                                + " KL to the in-batch similarity "
                                                + "distribution of "
                                                + String.join(
                                                        " + ", config.distillation().teachers())
                                                + " (teacher temperature "
                                                + config.distillation().temperature()
                                                + ")"
                                        : ""));
        notes.put("lora_positions", config.summaryOnly() ? "summary" : "all");
        notes.put(InitAdapter.LOGIT_SCALE_NOTE, logLogitScale);
        if (init != null) {
            // stage 1 + this stage: the recipe is reproduced by running both commands in order
            Map<String, Object> from = init.note();
            notes.put("init", from);
            if (from.get("wall_seconds") instanceof Double before) {
                notes.put("wall_seconds_with_init", Math.round((before + wallSeconds) * 10) / 10.0);
            }
        }
        notes.put("batch", config.batchSize());
        notes.put("max_tokens", config.maxTokens());
        notes.put("lr_ntp", config.lrNtp());
        notes.put("lr_contrastive", config.lrCl());
        notes.put(
                "device",
                "CPU (DJL "
                        + ai.djl.engine.Engine.getDjlVersion()
                        + ", PyTorch "
                        + Engine.getEngine("PyTorch").getVersion()
                        + ")");
        return new AdapterDescriptor.Training(
                config.command(),
                config.seed(),
                steps,
                String.join(", ", files.keySet()),
                files,
                config.pairs() == null ? null : TrainingPairs.HELD_OUT_RULE,
                Math.round(wallSeconds * 10) / 10.0,
                notes);
    }

    private void save(GemParameters params, Adam adam, int step, long wallStart)
            throws IOException {
        Path dir = checkpointDir();
        Files.createDirectories(dir);
        Map<String, WeightTensor> state = new LinkedHashMap<>();
        params.all().forEach((n, a) -> state.put("p/" + n, tensor("p/" + n, a)));
        adam.moments().forEach((n, a) -> state.put(n, tensor(n, a)));
        Safetensors.write(dir.resolve("state.safetensors"), state, Map.of());
        ObjectNode meta = JSON.createObjectNode();
        meta.put("step", step);
        meta.put("adam_steps", adam.steps());
        meta.put("seed", config.seed());
        meta.put("base_sha256", base.sha256());
        meta.put("k", config.k());
        meta.put("rank", config.rank());
        meta.put("wall_seconds", priorWallSeconds + (System.nanoTime() - wallStart) / 1e9);
        JSON.writeValue(dir.resolve("state.json").toFile(), meta);
        writeAdapter(params, step, wallStart);
        LOG.info("checkpoint at step {} in {}", step, dir);
    }

    private static WeightTensor tensor(String name, NDArray a) {
        return new WeightTensor(name, a.getShape().getShape(), a.toFloatArray());
    }

    private int restore(GemParameters params, Adam adam) throws IOException {
        Path dir = checkpointDir();
        Path json = dir.resolve("state.json");
        if (!Files.isRegularFile(json)) {
            LOG.info("no checkpoint in {}: starting at step 0", dir);
            return 0;
        }
        var meta = JSON.readTree(json.toFile());
        if (!base.sha256().equals(meta.path("base_sha256").asText())
                || meta.path("k").asInt() != config.k()
                || meta.path("rank").asInt() != config.rank()
                || meta.path("seed").asLong() != config.seed()) {
            throw new IllegalArgumentException(
                    "checkpoint "
                            + dir
                            + " was made with another base, k, rank or seed; "
                            + "delete it or train without --resume");
        }
        Map<String, WeightTensor> state = Safetensors.read(dir.resolve("state.safetensors"));
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, float[]> moments = new LinkedHashMap<>();
        state.forEach(
                (n, t) -> {
                    if (n.startsWith("p/")) {
                        values.put(n.substring(2), t.data());
                    } else {
                        moments.put(n, t.data());
                    }
                });
        params.load(values);
        adam.restore(meta.path("adam_steps").asInt(), moments, params.all());
        int step = meta.path("step").asInt();
        priorWallSeconds = meta.path("wall_seconds").asDouble(0);
        LOG.info("resuming from step {} ({})", step, dir);
        return step;
    }
}
