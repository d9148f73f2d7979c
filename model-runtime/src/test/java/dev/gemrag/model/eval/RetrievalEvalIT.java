package dev.gemrag.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.gemrag.model.fetch.DefaultModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The eval harness on a 30-document subset of man-dev with the real model and MiniLM: every number is a
 * valid metric, MiniLM is far above random, and the base pooling runs. (The full set is `gemrag eval`.)
 */
class RetrievalEvalIT {
    private static final Path MAN_DEV = Path.of("/work/shared/data/man-dev");

    @Test
    void subsetRunsEveryConfigurationAndMiniLmIsFarAboveRandom() throws Exception {
        Path dir = Path.of(System.getProperty("gemrag.eval.data", MAN_DEV.toString()));
        assumeThat(Files.isDirectory(dir)).as("man-dev data set at " + dir + " (set -Dgemrag.eval.data)").isTrue();
        BeirDataset small = BeirDataset.read(dir).subset(30);
        assertThat(small.corpus()).hasSize(30);
        List<EvalResult> rows = EvalConfigs.run(small, List.of("base-mean", "minilm"), DefaultModel.path(), null, 8, 128,
                s -> { });
        String table = EvalTable.render(rows);
        assertThat(table).contains("| base-mean |", "| minilm |");
        double random = 1.0 / small.corpus().size();
        EvalResult minilm = rows.get(1);
        assertThat(minilm.recall10()).as("MiniLM Recall@10 on man-dev subset").isGreaterThan(0.6);
        assertThat(minilm.ndcg10()).isGreaterThan(10 * random);
        EvalResult base = rows.get(0);
        assertThat(base.ndcg10()).isBetween(0.0, 1.0);
        assertThat(base.recall1()).isLessThanOrEqualTo(base.recall10());
        assertThat(base.textsPerSecond()).isPositive();
    }
}
