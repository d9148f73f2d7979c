package dev.gemrag.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.gem.GemAdapter;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import dev.gemrag.model.tokenizer.HfTextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few GEM training steps on the real default model, end to end: train, write, load, embed. */
class GemTrainerIT {
    @TempDir Path dir;

    @Test
    void trainsTheRealModelAndServesTheAdapter() throws Exception {
        List<String> lines =
                List.of(
                        "The cp command copies files and directories from one place to another.",
                        "Use tar to bundle many files into one archive before you compress it.",
                        "The kernel routing table decides which interface a packet leaves through.",
                        "A user can belong to several groups, which control access to shared files.",
                        "Log files grow quickly, so rotate and compress them on a schedule.",
                        "The ps command lists the processes that are running on the system.");
        Path data = dir.resolve("train.txt");
        Files.write(data, lines);
        Path out = dir.resolve("gem.json");
        TrainConfig cfg =
                TrainConfig.defaults(data, out)
                        .with(2, 1, 2, 24)
                        .withLora(1, 4, 8f, 1e-3f, 1e-4f)
                        .withRun(42, 0, false, "GemTrainerIT");
        Checkpoint base = ModelRuntime.loadCheckpoint(DefaultModel.path());
        List<StepStats> stats = new ArrayList<>();
        try (HfTextTokenizer tok = HfTextTokenizer.of(base)) {
            new GemTrainer(base, tok, cfg).train(stats::add);
        }
        assertThat(stats).hasSize(2);
        assertThat(stats.subList(0, 1))
                .allSatisfy(s -> assertThat(s.ntpLoss()).isBetween(0.1, 15.0));
        assertThat(stats.subList(1, 2))
                .allSatisfy(s -> assertThat(s.clLoss()).isBetween(0.0, 10.0));

        GemAdapter adapter = GemAdapter.read(out);
        assertThat(adapter.descriptor().baseModel().sha256()).isEqualTo(DefaultModel.SHA256);
        assertThat(adapter.summaryEmbeddings().shape()).containsExactly(1, 576);
        try (GemLanguageModel m = ModelRuntime.load(DefaultModel.path(), out)) {
            assertThat(m.id()).startsWith("smollm2-135m-instruct-q4_1-gem1-");
            List<float[]> v = m.embed(List.of("copy files"), EmbedRole.QUERY);
            assertThat(v.get(0)).hasSize(576);
        }
    }
}
