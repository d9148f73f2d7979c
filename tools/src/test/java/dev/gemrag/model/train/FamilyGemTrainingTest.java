package dev.gemrag.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.CheckpointLoader;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.Pooling;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.model.families.FamilyFixture;
import dev.gemrag.model.gem.GemAdapter;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import dev.gemrag.model.tokenizer.FramedTokenizer;
import dev.gemrag.model.tokenizer.HfTextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GEM on every supported family (tiny random checkpoints of {@link FamilyFixture}, their own
 * vocabulary): the trainer runs NTP then contrastive steps, both losses fall on fixed batches, and
 * the trained adapter embeds through the summary token and the GEM mask.
 */
class FamilyGemTrainingTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "qwen3", "smollm3"})
    void gemTrainsAndEmbedsOnEachFamily(String family) throws Exception {
        Checkpoint base = CheckpointLoader.load(FamilyFixture.load(family).gguf());
        Path data = data(16);
        try (HfTextTokenizer tokenizer = HfTextTokenizer.of(base)) {
            TrainConfig cfg =
                    TrainConfig.defaults(data, dir.resolve(family + ".json"))
                            .with(40, 20, 8, 40)
                            .withLora(1, 4, 8f, 5e-3f, 2e-3f)
                            .withRun(7, 100, false, "test");
            List<StepStats> stats = new ArrayList<>();
            GemAdapter trained = new GemTrainer(base, tokenizer, cfg).train(stats::add);
            assertThat(stats).hasSize(40);

            TextTokenizer framed = FramedTokenizer.of(tokenizer, base);
            List<int[]> texts = TrainingText.read(data, framed, 39, 7).batch(0, 16);
            if (base.bosTokenId() >= 0) {
                assertThat(texts)
                        .allSatisfy(ids -> assertThat(ids[0]).isEqualTo(base.bosTokenId()));
            }
            int vocab = base.config().vocabSize();
            NtpBatch ntp = NtpBatch.build(texts, 1, vocab, 0.5f, new Random(3));
            ContrastiveBatch cl = ContrastiveBatch.build(texts, 1, vocab, 0.1f, new Random(4));
            GemAdapter initial =
                    FreshAdapter.of(base, trained.descriptor(), cfg.targets(), cfg.seed());
            TextTokenizer shared =
                    unclosable(tokenizer); // GemLanguageModel.close() closes an AutoCloseable
            // tokenizer
            double[] before = losses(base, initial, shared, ntp, cl);
            double[] after = losses(base, trained, shared, ntp, cl);
            assertThat(after[0]).as(family + " NTP loss falls").isLessThan(before[0] * 0.9);
            assertThat(after[1]).as(family + " contrastive loss falls").isLessThan(before[1] * 0.9);

            try (GemLanguageModel m =
                    ModelRuntime.fromCheckpoint(base, trained, shared, Pooling.LAST, null)) {
                assertThat(m.embeddingSettings().pooling()).isEqualTo(Pooling.GEM);
                List<float[]> v =
                        m.embed(
                                List.of("copy files into the disk", "route network packets"),
                                EmbedRole.DOCUMENT);
                assertThat(v)
                        .hasSize(2)
                        .allSatisfy(
                                e -> {
                                    assertThat(e).hasSize(base.config().hiddenSize());
                                    for (float x : e) {
                                        assertThat(x).isFinite();
                                    }
                                });
                assertThat(v.get(0)).isNotEqualTo(v.get(1));
            }
        }
    }

    private static TextTokenizer unclosable(TextTokenizer t) {
        return new TextTokenizer() {
            @Override
            public int[] encode(String text) {
                return t.encode(text);
            }

            @Override
            public String decode(int[] ids) {
                return t.decode(ids);
            }
        };
    }

    private static double[] losses(
            Checkpoint base,
            GemAdapter adapter,
            TextTokenizer tok,
            NtpBatch ntp,
            ContrastiveBatch cl) {
        try (GemLanguageModel m =
                        ModelRuntime.fromCheckpoint(base, adapter, tok, Pooling.LAST, null);
                NDManager s = m.llama().newManager()) {
            return new double[] {
                GemLosses.nextToken(m.llama(), s, ntp).getFloat(),
                GemLosses.contrastive(m.llama(), s, cl, s.create(20f)).getFloat()
            };
        }
    }

    private Path data(int lines) throws Exception {
        Random r = new Random(1);
        String[] words = {
            "copy", "move", "files", "into", "the", "disk", "network", "packets", "route", "table",
            "user", "group", "kernel", "module"
        };
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0, n = 3 + r.nextInt(3); w < n; w++) {
                sb.append(words[r.nextInt(words.length)]).append(' ');
            }
            out.add(sb.toString().strip());
        }
        Path f = dir.resolve("train.txt");
        Files.write(f, out);
        return f;
    }
}
