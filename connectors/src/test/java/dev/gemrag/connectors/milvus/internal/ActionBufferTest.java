package dev.gemrag.connectors.milvus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.gemrag.connectors.records.IndexAction;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActionBufferTest {
    private static List<ChunkRowMapper.Row> rows(int n) {
        return Collections.nCopies(n, new ChunkRowMapper.Row(new JsonObject()));
    }

    @Test
    void lastActionPerDocumentWinsAndRowCountFollows() {
        ActionBuffer b = new ActionBuffer();
        b.add(IndexAction.upsert("a", 1, "m", List.of()), rows(9));
        b.add(IndexAction.upsert("b", 1, "m", List.of()), rows(2));
        b.add(IndexAction.upsert("a", 2, "m", List.of()), rows(3));
        assertThat(b.rowCount()).isEqualTo(5);
        b.add(IndexAction.delete("b", 2), rows(0));
        assertThat(b.rowCount()).isEqualTo(3);
        assertThat(b.actionCount()).isEqualTo(2);
        assertThat(b.collapsed()).isEqualTo(2);
        List<ActionBuffer.Pending> out = b.drain();
        assertThat(out)
                .extracting(p -> p.action().docId + "@" + p.action().docVersion)
                .containsExactly("a@2", "b@2");
        assertThat(b.isEmpty()).isTrue();
        assertThat(b.rowCount()).isZero();
    }
}
