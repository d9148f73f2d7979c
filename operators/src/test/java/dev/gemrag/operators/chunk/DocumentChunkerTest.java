package dev.gemrag.operators.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.Document;
import dev.gemrag.connectors.records.DocumentDelete;
import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.IndexAction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentChunkerTest {
    private final DocumentChunker chunker =
            new DocumentChunker(new Chunker(new WhitespaceTokenizer(), 8, 0));

    private static DocumentEvent doc(String id, long version, String text) {
        return DocumentEvent.upsert(
                new Document(
                        id, version, "Title " + id, text, null, new String[] {"eng"}, "{\"k\":1}"));
    }

    @Test
    void chunksCarryStableIdsTitleVersionAclAndMetadata() {
        IndexAction out =
                chunker.chunk(
                        doc("cp.1", 7, "One two three four. Five six seven eight. Nine ten."));
        assertThat(out.docId).isEqualTo("cp.1");
        assertThat(out.docVersion).isEqualTo(7);
        assertThat(out.chunks)
                .extracting(Chunk::text)
                .containsExactly("One two three four. Five six seven eight.", "Nine ten.");
        for (int i = 0; i < out.chunks.size(); i++) {
            Chunk c = out.chunks.get(i);
            assertThat(c.chunkId()).isEqualTo(Chunk.chunkId("cp.1", i)).isEqualTo("cp.1#" + i);
            assertThat(c.chunkIndex()).isEqualTo(i);
            assertThat(c.docVersion()).isEqualTo(7);
            assertThat(c.title()).isEqualTo("Title cp.1");
            assertThat(c.acl()).containsExactly("eng");
            assertThat(c.metadataJson()).isEqualTo("{\"k\":1}");
        }
        // The same text chunks to the same ids and texts again (replays converge).
        assertThat(
                        chunker.chunk(
                                        doc(
                                                "cp.1",
                                                8,
                                                "One two three four. Five six seven eight. Nine ten."))
                                .chunks)
                .extracting(Chunk::chunkId, Chunk::text)
                .isEqualTo(
                        out.chunks.stream()
                                .map(
                                        c ->
                                                org.assertj.core.groups.Tuple.tuple(
                                                        c.chunkId(), c.text()))
                                .toList());
    }

    @Test
    void eachChunkCarriesTheIdsOfItsEmbeddingTextEncodedOnce() {
        WhitespaceTokenizer words = new WhitespaceTokenizer();
        List<String> encoded = new ArrayList<>();
        DocumentChunker withIds =
                new DocumentChunker(
                        new Chunker(new WhitespaceTokenizer(), 8, 0),
                        text -> {
                            encoded.add(text);
                            return words.encode(text);
                        });
        IndexAction out =
                withIds.chunk(
                        doc("cp.1", 7, "One two three four. Five six seven eight. Nine ten."));
        assertThat(encoded)
                .containsExactly(
                        "Title cp.1\nOne two three four. Five six seven eight.",
                        "Title cp.1\nNine ten.");
        for (Chunk c : out.chunks) {
            assertThat(words.decode(c.tokens())).isEqualTo("Title cp.1 " + c.text());
            assertThat(c.embedding()).isNull();
            // once embedded the ids are spent: the sink's records do not carry them
            assertThat(c.withEmbedding(new float[] {1f}).tokens()).isNull();
        }
        assertThat(chunker.chunk(doc("cp.1", 7, "One two.")).chunks.get(0).tokens()).isNull();
    }

    @Test
    void deleteAndEmptyTextGiveNoChunks() {
        assertThat(chunker.chunk(DocumentEvent.delete(new DocumentDelete("a", 3))).isDelete())
                .isTrue();
        IndexAction empty = chunker.chunk(doc("b", 4, "   "));
        assertThat(empty.isDelete()).isTrue();
        assertThat(empty.docId).isEqualTo("b");
        assertThat(empty.docVersion).isEqualTo(4);
    }
}
