package dev.gemrag.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.gem.DefaultAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The eval harness on a 60-document subset of man-dev (shipped in the repo under data/) with the
 * real model, the bundled GEM adapter, MiniLM and bge-small: every number is a valid metric, MiniLM
 * is far above random, and GEM pooling with the adapter beats the base model's mean pooling (it
 * fails if the adapter is not loaded or the summary-token pooling breaks). The full set is
 * `./gemrag eval --data data/man-dev`.
 */
class RetrievalEvalIT {
    /** Failsafe runs in the module directory; the data set lives at the repository root. */
    private static final Path MAN_DEV =
            Path.of(System.getProperty("gemrag.eval.data", "../data/man-dev"));

    @Test
    void subsetRunsEveryConfigurationAndGemBeatsBasePooling() throws Exception {
        assertThat(Files.isDirectory(MAN_DEV))
                .as("man-dev data set at " + MAN_DEV.toAbsolutePath())
                .isTrue();
        BeirDataset small = BeirDataset.read(MAN_DEV).subset(60);
        assertThat(small.corpus()).hasSize(60);
        Path adapter = DefaultAdapter.resolve(null).path();
        assertThat(adapter).as("bundled GEM adapter").isNotNull();
        List<EvalResult> rows =
                EvalConfigs.run(
                        small,
                        List.of("base-mean", "gem", "minilm", "bge-small"),
                        DefaultModel.path(),
                        adapter,
                        8,
                        256,
                        s -> {});
        String table = EvalTable.render(rows);
        System.out.println(table);
        assertThat(table).contains("| base-mean |", "| gem |", "| minilm |", "| bge-small |");
        double random = 1.0 / small.corpus().size();
        EvalResult base = rows.get(0);
        EvalResult gem = rows.get(1);
        EvalResult minilm = rows.get(2);
        assertThat(minilm.recall10()).as("MiniLM Recall@10 on man-dev subset").isGreaterThan(0.6);
        assertThat(minilm.ndcg10()).isGreaterThan(10 * random);
        assertThat(base.ndcg10()).isBetween(0.0, 1.0);
        assertThat(base.recall1()).isLessThanOrEqualTo(base.recall10());
        assertThat(gem.ndcg10())
                .as("GEM adapter nDCG@10 vs base mean pooling")
                .isGreaterThan(base.ndcg10());
        assertThat(gem.textsPerSecond()).isPositive();
        EvalResult bge = rows.get(3);
        assertThat(bge.recall10()).as("bge-small Recall@10 on man-dev subset").isGreaterThan(0.6);
        for (EvalResult r : rows) { // at least one query holds the top document; at most all
            assertThat(r.hubness()).isBetween(1.0 / small.queries().size(), 1.0);
        }
    }
}
