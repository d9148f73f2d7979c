package dev.gemrag.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.Pooling;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.gem.CharTokenizer;
import dev.gemrag.model.gem.GemAdapter;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import dev.gemrag.model.llama.TinyLlama;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GEM training end to end on a tiny random Llama: losses fall, the adapter round-trips, resume is
 * exact.
 */
class GemTrainerTest {
    private static Checkpoint base;
    private static final CharTokenizer TOKENIZER = new CharTokenizer(100);

    @TempDir Path dir;

    @BeforeAll
    static void model() {
        LlamaConfig c = TinyLlama.config(RopeLayout.INTERLEAVED, true);
        base =
                new Checkpoint(
                        Path.of("tiny.gguf"),
                        "tiny-sha",
                        c,
                        TinyLlama.weights(c, 5),
                        null,
                        null,
                        -1,
                        List.of(0));
    }

    private Path data(int lines) throws Exception {
        Random r = new Random(1);
        String[] words = {
            "alpha", "beta", "gamma", "delta", "copy", "move", "files", "into", "the", "disk",
            "network", "packets", "route", "table", "user", "group", "kernel", "module"
        };
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 3 + r.nextInt(4);
            for (int w = 0; w < n; w++) {
                sb.append(words[r.nextInt(words.length)]).append(' ');
            }
            out.add(sb.toString().strip());
        }
        Path f = dir.resolve("train.txt");
        Files.write(f, out);
        return f;
    }

    private TrainConfig config(Path data, String name, int steps, int ntpSteps) {
        return TrainConfig.defaults(data, dir.resolve(name + ".json"))
                .with(steps, ntpSteps, 8, 32)
                .withLora(1, 4, 8f, 1e-2f, 3e-3f)
                .withRun(7, 5, false, "test");
    }

    @Test
    void lossesFallAndTheAdapterRoundTrips() throws Exception {
        Path data = data(16);
        List<StepStats> stats = new ArrayList<>();
        TrainConfig cfg = config(data, "gem", 30, 15);
        GemAdapter adapter = new GemTrainer(base, TOKENIZER, cfg).train(stats::add);

        assertThat(stats).hasSize(30);
        assertThat(stats.subList(0, 15)).allSatisfy(s -> assertThat(s.ntpLoss()).isFinite());
        assertThat(stats.subList(15, 30)).allSatisfy(s -> assertThat(s.clLoss()).isFinite());
        assertThat(stats.get(29).tokensPerSecond()).isPositive();

        GemAdapter back = GemAdapter.read(cfg.out());
        assertThat(back.descriptor().baseModel().sha256()).isEqualTo("tiny-sha");
        assertThat(back.descriptor().training().steps()).isEqualTo(30);
        assertThat(back.descriptor().lora().rank()).isEqualTo(4);
        for (var e : adapter.tensors().entrySet()) {
            assertThat(back.tensors().get(e.getKey()).data())
                    .as(e.getKey())
                    .containsExactly(e.getValue().data());
        }

        // Both objectives on fixed batches. NTP: the trained adapter beats the initial parameters
        // (0.30-0.39x of the start over seeds 1-10). Contrastive: the final adapter against the
        // same run stopped at the end of its NTP phase (the phase's schedule does not depend on
        // the total steps), so the check sees what the contrastive steps did rather than what the
        // NTP steps did to the embeddings; on the mean over three dropout draws of the batch. On
        // one draw against the initial parameters (the old check, threshold 0.8x) this tiny random
        // model's contrastive loss ended anywhere from 0.24x to 1.26x of the start over seeds
        // 1-10, and last-bit differences of MKL's GEMMs between runs (they depend on buffer
        // alignment; MKL_CBWR pins them, see the surefire configuration) moved the seed-7 run
        // from 0.79x up to the threshold about once in eight runs. This comparison: 0.42-0.79x
        // over seeds 1-10; training that does not move the summary and LoRA along the gradient
        // stays at 1x.
        TrainingText text = TrainingText.read(data, TOKENIZER, 38, 7);
        List<int[]> texts = text.batch(0, 16);
        NtpBatch ntp = NtpBatch.build(texts, 1, 100, 0.5f, new Random(3));
        List<ContrastiveBatch> cl = new ArrayList<>();
        for (int draw = 4; draw < 7; draw++) {
            cl.add(ContrastiveBatch.build(texts, 1, 100, 0.1f, new Random(draw)));
        }
        GemAdapter initial = FreshAdapter.of(base, back.descriptor(), cfg.targets(), cfg.seed());
        GemAdapter ntpPhase =
                new GemTrainer(base, TOKENIZER, config(data, "ntp-phase", 15, 15)).train(null);
        assertThat(nextTokenLoss(back, ntp))
                .as("NTP loss on a fixed batch falls")
                .isLessThan(nextTokenLoss(initial, ntp) * 0.8);
        assertThat(contrastiveLoss(back, cl))
                .as("contrastive loss on fixed batches falls during the contrastive phase")
                .isLessThan(contrastiveLoss(ntpPhase, cl) * 0.9);
    }

    private static double nextTokenLoss(GemAdapter adapter, NtpBatch ntp) {
        try (GemLanguageModel m =
                        ModelRuntime.fromCheckpoint(base, adapter, TOKENIZER, Pooling.LAST, null);
                NDManager s = m.llama().newManager()) {
            return GemLosses.nextToken(m.llama(), s, ntp).getFloat();
        }
    }

    /** Mean InfoNCE over the batches with this adapter merged, logit scale 20. */
    private static double contrastiveLoss(GemAdapter adapter, List<ContrastiveBatch> batches) {
        try (GemLanguageModel m =
                        ModelRuntime.fromCheckpoint(base, adapter, TOKENIZER, Pooling.LAST, null);
                NDManager s = m.llama().newManager()) {
            double sum = 0;
            for (ContrastiveBatch b : batches) {
                sum += GemLosses.contrastive(m.llama(), s, b, s.create(20f)).getFloat();
            }
            return sum / batches.size();
        }
    }

    @Test
    void resumeContinuesExactly() throws Exception {
        Path data = data(16);
        GemAdapter straight =
                new GemTrainer(base, TOKENIZER, config(data, "straight", 12, 6)).train(null);
        // Interrupted after step 8 (checkpoints every 5): resuming starts after step 5 and ends
        // where "straight" did.
        try {
            new GemTrainer(base, TOKENIZER, config(data, "resumed", 12, 6))
                    .train(
                            s -> {
                                if (s.step() == 8) {
                                    throw new IllegalStateException("simulated crash");
                                }
                            });
        } catch (IllegalStateException expected) {
            assertThat(expected).hasMessage("simulated crash");
        }
        List<StepStats> second = new ArrayList<>();
        GemAdapter resumed =
                new GemTrainer(
                                base,
                                TOKENIZER,
                                config(data, "resumed", 12, 6).withRun(7, 5, true, "test"))
                        .train(second::add);
        assertThat(second).extracting(StepStats::step).containsExactly(6, 7, 8, 9, 10, 11, 12);
        for (var e : straight.tensors().entrySet()) {
            float[] a = e.getValue().data();
            float[] b = resumed.tensors().get(e.getKey()).data();
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i])
                        .as(e.getKey() + "[" + i + "]")
                        .isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    private Path pairs(int n) throws Exception {
        String[] topics = {
            "disk", "network", "kernel", "user", "route", "packets", "module", "group"
        };
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String t = topics[i % topics.length];
            out.add(
                    "{\"query\":\""
                            + t
                            + " "
                            + i % 3
                            + "\",\"passage\":\"about "
                            + t
                            + " and "
                            + t
                            + " tools "
                            + i % 3
                            + "\",\"kind\":\""
                            + (i % 5 == 4 ? "faq-qa" : "pkg-desc")
                            + "\"}");
        }
        Path f = dir.resolve("pairs.jsonl");
        Files.write(f, out);
        return f;
    }

    private TrainConfig pairConfig(
            Path pairs, String name, int steps, boolean summaryOnly, int hardNegatives) {
        return TrainConfig.defaults(null, dir.resolve(name + ".json"))
                .with(steps, 0, 8, 32)
                .withLora(1, 4, 8f, 1e-2f, 1e-2f)
                .withRun(7, 5, false, "test")
                .withPairs(pairs, summaryOnly, hardNegatives);
    }

    @Test
    void aFreshRunStartsAtTheLogitScaleItIsGiven() throws Exception {
        Path p = pairs(40);
        for (float scale : new float[] {TrainConfig.DEFAULT_LOGIT_SCALE, 50f}) {
            List<StepStats> stats = new ArrayList<>();
            // learning rate 0: the scale the run starts at is the scale it ends at
            TrainConfig cfg =
                    pairConfig(p, "scale" + (int) scale, 2, true, 0)
                            .withLora(1, 4, 8f, 0f, 0f)
                            .copy(b -> b.logitScale(scale));
            GemAdapter a = new GemTrainer(base, TOKENIZER, cfg).train(stats::add);
            assertThat(stats.get(0).logitScale())
                    .as("scale " + scale)
                    .isCloseTo(scale, within(1e-3f));
            assertThat(
                            ((Number)
                                            a.descriptor()
                                                    .training()
                                                    .notes()
                                                    .get(InitAdapter.LOGIT_SCALE_NOTE))
                                    .floatValue())
                    .isEqualTo((float) Math.log(scale));
        }
        assertThatThrownBy(() -> pairConfig(p, "x", 2, true, 0).copy(b -> b.logitScale(0.5f)))
                .hasMessageContaining("--logit-scale");
    }

    @Test
    void summaryOnlyPairTrainingLearnsAndLeavesGenerationAlone() throws Exception {
        Path p = pairs(40);
        List<StepStats> stats = new ArrayList<>();
        TrainConfig cfg = pairConfig(p, "summary", 24, true, 1);
        GemAdapter adapter = new GemTrainer(base, TOKENIZER, cfg).train(stats::add);
        assertThat(stats).allSatisfy(s -> assertThat(s.clLoss()).isFinite());
        double first = (stats.get(0).loss() + stats.get(1).loss() + stats.get(2).loss()) / 3;
        double last = (stats.get(21).loss() + stats.get(22).loss() + stats.get(23).loss()) / 3;
        assertThat(last).as("pair InfoNCE falls").isLessThan(first * 0.8);

        GemAdapter back = GemAdapter.read(cfg.out());
        assertThat(back.descriptor().lora().summaryOnly()).isTrue();
        // --max-tokens is both the training cut and the adapter's embedding limit
        assertThat(back.descriptor().maxTokens()).isEqualTo(32);
        assertThat(back.descriptor().training().heldOut()).contains("faq-qa").contains("10");
        assertThat(back.descriptor().training().dataFiles()).containsKey("pairs.jsonl");
        assertThat(back.descriptor().training().dataFiles().get("pairs.jsonl")).hasSize(64);

        // generation: the model with the summary-only adapter gives the base model's logits exactly
        try (GemLanguageModel plain =
                        ModelRuntime.fromCheckpoint(base, null, TOKENIZER, Pooling.MEAN, null);
                GemLanguageModel gem =
                        ModelRuntime.fromCheckpoint(base, back, TOKENIZER, Pooling.MEAN, null);
                NDManager m = plain.llama().newManager()) {
            int[] ids = TOKENIZER.encode("copy the disk");
            var batch =
                    dev.gemrag.model.gem.GemBatch.of(
                            m,
                            List.of(ids),
                            List.of(dev.gemrag.model.gem.GemLayout.plain(ids.length)));
            float[] a =
                    plain.llama()
                            .logits(
                                    plain.llama()
                                            .forward(
                                                    batch.ids(),
                                                    batch.positions(),
                                                    batch.mask(),
                                                    null))
                            .toFloatArray();
            float[] b =
                    gem.llama()
                            .logits(
                                    gem.llama()
                                            .forward(
                                                    batch.ids(),
                                                    batch.positions(),
                                                    batch.mask(),
                                                    null))
                            .toFloatArray();
            assertThat(b).containsExactly(a);
            // embedding: queries get the trained instruction; the summary step's LoRA changes the
            // vector
            List<float[]> q = gem.embed(List.of("disk 1"), dev.gemrag.model.EmbedRole.QUERY);
            List<float[]> d = gem.embed(List.of("disk 1"), dev.gemrag.model.EmbedRole.DOCUMENT);
            assertThat(q.get(0)).isNotEqualTo(d.get(0));
            assertThat(back.descriptor().queryInstruction())
                    .isEqualTo(TrainConfig.DEFAULT_QUERY_INSTRUCTION);
        }
    }

    @Test
    void distillationFromARealTeacherTrainsAndEmbedsEachPairOnce() throws Exception {
        Path p = pairs(40);
        Path cache = dir.resolve("teachers");
        Distillation half = new Distillation(List.of("minilm"), 0.5f, 0.05f, cache);
        List<StepStats> stats = new ArrayList<>();
        TrainConfig cfg = pairConfig(p, "distil", 6, true, 1).withDistillation(half);
        new GemTrainer(base, TOKENIZER, cfg).train(stats::add);
        assertThat(stats).hasSize(6).allSatisfy(s -> assertThat(s.clLoss()).isFinite());
        List<Path> files;
        try (var list = Files.list(cache)) {
            files = list.toList();
        }
        assertThat(files).hasSize(1);
        long size = Files.size(files.get(0));
        // 40 pairs, 8 held out (faq-qa on lines 5, 10, ..): 32 usable; 6 steps of 8 see every one
        // as a
        // query and as a document once at least; each record = key + dim + 384 floats
        assertThat(size).isEqualTo(2L * 36 * (8 + 4 * 384));
        GemAdapter back = GemAdapter.read(cfg.out());
        assertThat(String.valueOf(back.descriptor().training().notes().get("objective")))
                .contains("KL")
                .contains("minilm")
                .contains("0.05");

        // the same steps again (another adapter): every teacher vector comes from the cache
        new GemTrainer(base, TOKENIZER, pairConfig(p, "distil2", 6, true, 1).withDistillation(half))
                .train(null);
        assertThat(Files.size(files.get(0))).isEqualTo(size);
        // distillation alone (weight 1) trains too
        List<StepStats> alone = new ArrayList<>();
        new GemTrainer(
                        base,
                        TOKENIZER,
                        pairConfig(p, "distil3", 3, true, 0)
                                .withDistillation(
                                        new Distillation(List.of("minilm"), 1f, 0.05f, cache)))
                .train(alone::add);
        assertThat(alone)
                .allSatisfy(s -> assertThat(s.loss()).isFinite().isGreaterThanOrEqualTo(0));
    }

    @Test
    void pairTrainingResumesExactly() throws Exception {
        Path p = pairs(40);
        GemAdapter straight =
                new GemTrainer(base, TOKENIZER, pairConfig(p, "pstraight", 8, true, 1)).train(null);
        try {
            new GemTrainer(base, TOKENIZER, pairConfig(p, "presumed", 8, true, 1))
                    .train(
                            s -> {
                                if (s.step() == 7) {
                                    throw new IllegalStateException("simulated crash");
                                }
                            });
        } catch (IllegalStateException expected) {
            assertThat(expected).hasMessage("simulated crash");
        }
        GemAdapter resumed =
                new GemTrainer(
                                base,
                                TOKENIZER,
                                pairConfig(p, "presumed", 8, true, 1).withRun(7, 5, true, "test"))
                        .train(null);
        for (var e : straight.tensors().entrySet()) {
            float[] a = e.getValue().data();
            float[] b = resumed.tensors().get(e.getKey()).data();
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i])
                        .as(e.getKey() + "[" + i + "]")
                        .isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void allTokenPairTrainingRunsAndSummaryOnlyRefusesNtp() throws Exception {
        Path p = pairs(40);
        List<StepStats> stats = new ArrayList<>();
        new GemTrainer(base, TOKENIZER, pairConfig(p, "alltok", 4, false, 0)).train(stats::add);
        assertThat(stats).hasSize(4).allSatisfy(s -> assertThat(s.clLoss()).isFinite());
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> pairConfig(p, "x", 4, true, 0).with(4, 2, 8, 32))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("summary-only");
    }

    @Test
    void initStartsFromTheAdapterAndRecordsIt() throws Exception {
        Path p = pairs(40);
        TrainConfig first = pairConfig(p, "stage1", 6, true, 1);
        GemAdapter a = new GemTrainer(base, TOKENIZER, first).train(null);
        // learning rate 0: a run that really starts from A ends exactly at A; one that ignored
        // --init would end at fresh parameters (LoRA B = 0, mean summary row)
        TrainConfig second =
                pairConfig(p, "stage2", 3, true, 1)
                        .withLora(1, 4, 8f, 0f, 0f)
                        .withRun(8, 0, false, "test stage 2")
                        .withInit(first.out());
        GemAdapter b = new GemTrainer(base, TOKENIZER, second).train(null);
        for (var e : a.tensors().entrySet()) {
            assertThat(b.tensors().get(e.getKey()).data())
                    .as(e.getKey())
                    .containsExactly(e.getValue().data());
        }
        List<String> texts = List.of("disk 1", "about route and route tools 2");
        try (GemLanguageModel ma =
                        ModelRuntime.fromCheckpoint(
                                base, GemAdapter.read(first.out()), TOKENIZER, Pooling.GEM, null);
                GemLanguageModel mb =
                        ModelRuntime.fromCheckpoint(
                                base,
                                GemAdapter.read(second.out()),
                                TOKENIZER,
                                Pooling.GEM,
                                null)) {
            for (var role : dev.gemrag.model.EmbedRole.values()) {
                List<float[]> ea = ma.embed(texts, role);
                List<float[]> eb = mb.embed(texts, role);
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(eb.get(i)).as(role + " " + i).containsExactly(ea.get(i));
                }
            }
        }
        var notesA = a.descriptor().training().notes();
        var notesB = GemAdapter.read(second.out()).descriptor().training().notes();
        // the logit scale comes along too (it moved in stage 1, and lr 0 keeps it)
        assertThat(((Number) notesA.get(InitAdapter.LOGIT_SCALE_NOTE)).floatValue())
                .isNotEqualTo(GemParameters.INITIAL_LOG_SCALE);
        assertThat(((Number) notesB.get(InitAdapter.LOGIT_SCALE_NOTE)).floatValue())
                .isEqualTo(((Number) notesA.get(InitAdapter.LOGIT_SCALE_NOTE)).floatValue());
        @SuppressWarnings("unchecked")
        var init = (java.util.Map<String, Object>) notesB.get("init");
        assertThat(init.get("adapter")).isEqualTo(first.out().toString());
        assertThat(init.get("tensors_sha256"))
                .isEqualTo(DataChecksum.sha256(GemAdapter.tensorsPath(first.out())));
        assertThat(init.get("command")).isEqualTo("test");
        assertThat(init.get("steps")).isEqualTo(6);
        assertThat(notesB).containsKey("wall_seconds_with_init");
    }

    @Test
    void initRefusesAnAdapterOfAnotherLayoutOrBase() throws Exception {
        Path p = pairs(40);
        TrainConfig first = pairConfig(p, "s1", 2, true, 0);
        new GemTrainer(base, TOKENIZER, first).train(null);
        TrainConfig otherRank =
                pairConfig(p, "r", 2, true, 0)
                        .withLora(1, 2, 8f, 1e-2f, 1e-2f)
                        .withInit(first.out());
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new GemTrainer(base, TOKENIZER, otherRank).train(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--init")
                .hasMessageContaining("rank 4 vs 2");
        TrainConfig allTokens = pairConfig(p, "all", 2, false, 0).withInit(first.out());
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new GemTrainer(base, TOKENIZER, allTokens).train(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lora positions summary vs all");
        Checkpoint otherBase =
                new Checkpoint(
                        Path.of("other.gguf"),
                        "other-sha",
                        base.config(),
                        base.weights(),
                        null,
                        null,
                        -1,
                        List.of(0));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                new GemTrainer(
                                                otherBase,
                                                TOKENIZER,
                                                pairConfig(p, "b", 2, true, 0)
                                                        .withInit(first.out()))
                                        .train(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base sha256 tiny-sha vs other-sha");
        // nothing was written by a refused run
        assertThat(dir.resolve("r.json")).doesNotExist();
    }
}
