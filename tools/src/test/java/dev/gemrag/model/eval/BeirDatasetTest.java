package dev.gemrag.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeirDatasetTest {
    @TempDir Path dir;

    private void write(String corpus, String queries, String qrels) throws Exception {
        Files.writeString(dir.resolve("corpus.jsonl"), corpus);
        Files.writeString(dir.resolve("queries.jsonl"), queries);
        Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(dir.resolve("qrels/test.tsv"), qrels);
    }

    @Test
    void readsAllThreeFilesAndDropsQueriesWithoutJudgements() throws Exception {
        write(
                """
                {"_id":"cp.1","title":"cp","text":"copy files"}
                {"_id":"mv.1","title":"","text":"move files"}
                """,
                """
                {"_id":"q1","text":"copy"}
                {"_id":"q2","text":"unjudged"}
                """,
                "query-id\tcorpus-id\tscore\nq1\tcp.1\t1\n");
        BeirDataset d = BeirDataset.read(dir);
        assertThat(d.corpus()).hasSize(2);
        assertThat(d.corpus().get(0).embeddingText()).isEqualTo("cp\ncopy files");
        assertThat(d.corpus().get(1).embeddingText()).isEqualTo("move files");
        assertThat(d.queries()).extracting(BeirDataset.Query::id).containsExactly("q1");
        assertThat(d.qrels().get("q1")).containsEntry("cp.1", 1);
        BeirDataset small = d.subset(1);
        assertThat(small.corpus()).extracting(BeirDataset.Doc::id).containsExactly("cp.1");
        assertThat(small.queries()).hasSize(1);
    }

    @Test
    void badLineNamesFileAndLine() throws Exception {
        write("{\"_id\":\"a\",\"text\":\"x\"}\n{broken\n", "", "query-id\tcorpus-id\tscore\n");
        assertThatThrownBy(() -> BeirDataset.read(dir)).hasMessageContaining("corpus.jsonl:2");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> BeirDataset.read(dir)).hasMessageContaining("corpus.jsonl");
    }
}
