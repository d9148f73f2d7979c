package dev.gemrag.connectors.milvus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import dev.gemrag.connectors.milvus.CollectionSpec;
import dev.gemrag.connectors.milvus.FieldOverflow;
import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.IndexAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkRowMapperTest {
    static final CollectionSpec SPEC =
            CollectionSpec.builder("model-a", 3).titleMaxLength(8).textMaxLength(10).build();

    static Chunk chunk(String doc, long v, int i, String title, String text, float... vec) {
        return new Chunk(
                Chunk.chunkId(doc, i),
                doc,
                v,
                i,
                title,
                text,
                new String[] {"g"},
                "{\"k\":1}",
                vec);
    }

    @Test
    void mapsEveryField() {
        JsonObject row =
                upsertD(
                                new ChunkRowMapper(SPEC, FieldOverflow.TRUNCATE),
                                4,
                                chunk("d", 4, 1, "T", "text", 1f, 0f, 0.5f))
                        .get(0)
                        .json();
        assertThat(row.get("chunk_id").getAsString()).isEqualTo("d#1");
        assertThat(row.get("doc_id").getAsString()).isEqualTo("d");
        assertThat(row.get("doc_version").getAsLong()).isEqualTo(4);
        assertThat(row.get("chunk_index").getAsInt()).isEqualTo(1);
        assertThat(row.get("title").getAsString()).isEqualTo("T");
        assertThat(row.get("text").getAsString()).isEqualTo("text");
        assertThat(row.getAsJsonArray("acl").get(0).getAsString()).isEqualTo("g");
        assertThat(row.getAsJsonObject("metadata").get("k").getAsInt()).isEqualTo(1);
        assertThat(row.getAsJsonArray("embedding").get(2).getAsFloat()).isEqualTo(0.5f);
    }

    @Test
    void searchTextIsTheTitleLineAndTextInTheCollectionsAnalyzer() {
        Chunk c = chunk("d", 1, 0, "Cron", "Runs jobs", 1f, 0f, 0f);
        assertThat(upsertD(new ChunkRowMapper(SPEC, FieldOverflow.TRUNCATE), 1, c).get(0).json())
                .extracting(r -> r.get("search_text").getAsString())
                .isEqualTo("cron run job"); // english, the default
        CollectionSpec standard =
                CollectionSpec.builder("model-a", 3)
                        .textAnalyzer(dev.gemrag.connectors.milvus.TextAnalyzer.STANDARD)
                        .build();
        assertThat(
                        upsertD(new ChunkRowMapper(standard, FieldOverflow.TRUNCATE), 1, c)
                                .get(0)
                                .json())
                .extracting(r -> r.get("search_text").getAsString())
                .isEqualTo("Cron\nRuns jobs");
        assertThat(
                        upsertD(
                                        new ChunkRowMapper(
                                                SPEC.withFullText(false), FieldOverflow.TRUNCATE),
                                        1,
                                        c)
                                .get(0)
                                .json()
                                .has("search_text"))
                .isFalse();
    }

    @Test
    void refusesAnotherModelOrDimension() {
        ChunkRowMapper m = new ChunkRowMapper(SPEC, FieldOverflow.TRUNCATE);
        assertThatThrownBy(
                        () ->
                                m.rows(
                                        IndexAction.upsert(
                                                "d",
                                                1,
                                                "model-b",
                                                List.of(chunk("d", 1, 0, "", "x", 1, 2, 3)))))
                .hasMessageContaining(
                        "embedded by model 'model-b' but collection '"
                                + SPEC.collectionName()
                                + "' holds vectors of model 'model-a'");
        assertThatThrownBy(() -> upsertD(m, 1, chunk("d", 1, 0, "", "x", 1, 2)))
                .hasMessageContaining(
                        "has a 2-dimensional embedding but collection '"
                                + SPEC.collectionName()
                                + "' holds 3-dimensional vectors");
        assertThatThrownBy(() -> upsertD(m, 1, chunk("d", 1, 0, "", "x", 1, Float.NaN, 3)))
                .hasMessageContaining("non-finite");
        assertThatThrownBy(() -> upsertD(m, 2, chunk("d", 1, 0, "", "x", 1, 2, 3)))
                .hasMessageContaining("does not belong to the action for doc 'd' v2");
    }

    @Test
    void truncatesOnACharacterBoundaryAndCounts() {
        ChunkRowMapper m = new ChunkRowMapper(SPEC, FieldOverflow.TRUNCATE);
        // "ééééé" = 10 bytes fits; "éééééé" = 12 bytes -> 5 characters; title "abcdefghij" -> 8
        JsonObject row =
                upsertD(m, 1, chunk("d", 1, 0, "abcdefghij", "éééééé", 1, 2, 3)).get(0).json();
        assertThat(row.get("text").getAsString()).isEqualTo("ééééé");
        assertThat(row.get("title").getAsString()).isEqualTo("abcdefgh");
        assertThat(m.truncatedFields()).isEqualTo(2);
        assertThat(ChunkRowMapper.truncateUtf8("a🙂b", 4))
                .isEqualTo("a"); // the emoji needs 4 bytes
        assertThat(ChunkRowMapper.truncateUtf8("a🙂b", 5)).isEqualTo("a🙂");
        String cut = ChunkRowMapper.truncateUtf8("日本語テキスト", 10);
        assertThat(cut).isEqualTo("日本語");
        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(10);
    }

    @Test
    void rejectModeNamesChunkAndField() {
        ChunkRowMapper m = new ChunkRowMapper(SPEC, FieldOverflow.REJECT);
        assertThatThrownBy(() -> upsertD(m, 1, chunk("d", 1, 0, "t", "0123456789X", 1, 2, 3)))
                .hasMessage(
                        "text of chunk d#0 is 11 bytes, over its max length 10 "
                                + "(milvus.field.text.max-length; milvus.field.overflow=REJECT)");
    }

    @Test
    void eachChunkKeepsItsOwnMetadata() {
        // the mapper parses a document's metadata once and reuses it while the next chunk's text is
        // the same
        Chunk first = chunk("d", 1, 0, "t", "a", 1, 2, 3);
        Chunk same = chunk("d", 1, 1, "t", "b", 1, 2, 3);
        Chunk other =
                new Chunk(
                        "d#2",
                        "d",
                        1,
                        2,
                        "t",
                        "c",
                        new String[] {"g"},
                        "{\"k\":2}",
                        new float[] {1, 2, 3});
        List<JsonObject> rows =
                upsertD(new ChunkRowMapper(SPEC, FieldOverflow.TRUNCATE), 1, first, same, other)
                        .stream()
                        .map(ChunkRowMapper.Row::json)
                        .toList();
        assertThat(rows)
                .extracting(r -> r.getAsJsonObject("metadata").get("k").getAsInt())
                .containsExactly(1, 1, 2);
        assertThatThrownBy(
                        () ->
                                upsertD(
                                        new ChunkRowMapper(SPEC, FieldOverflow.TRUNCATE),
                                        1,
                                        first,
                                        new Chunk(
                                                "d#1",
                                                "d",
                                                1,
                                                1,
                                                "t",
                                                "x",
                                                null,
                                                "[1]",
                                                new float[] {1, 2, 3})))
                .hasMessageContaining("metadata of chunk d#1 is not a JSON object");
    }

    @Test
    void deleteNeedsOnlyAnId() {
        assertThat(
                        new ChunkRowMapper(SPEC, FieldOverflow.TRUNCATE)
                                .rows(IndexAction.delete("d", 3)))
                .isEmpty();
        assertThatThrownBy(
                        () ->
                                new ChunkRowMapper(SPEC, FieldOverflow.TRUNCATE)
                                        .rows(IndexAction.delete("x".repeat(600), 3)))
                .hasMessageContaining("document id is 600 bytes, over the limit of 512");
    }

    /** The rows {@code m} makes of an upsert of doc "d" at {@code version} by model-a. */
    private static List<ChunkRowMapper.Row> upsertD(
            ChunkRowMapper m, long version, Chunk... chunks) {
        return m.rows(IndexAction.upsert("d", version, "model-a", List.of(chunks)));
    }
}
