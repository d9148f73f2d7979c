package dev.gemrag.operators.embed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.Document;
import dev.gemrag.connectors.records.DocumentDelete;
import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.IndexAction;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.operators.chunk.Chunker;
import dev.gemrag.operators.chunk.DocumentChunker;
import dev.gemrag.operators.chunk.WhitespaceTokenizer;
import dev.gemrag.operators.testing.BagOfWordsModel;
import dev.gemrag.operators.testing.CollectingResult;
import dev.gemrag.operators.testing.DirectRuntime;
import java.util.List;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.junit.jupiter.api.Test;

class EmbedDocumentFunctionTest {
    private final BagOfWordsModel model = new BagOfWordsModel();
    private final DocumentChunker chunker =
            new DocumentChunker(new Chunker(new WhitespaceTokenizer(), 8, 0));

    private EmbedDocumentFunction open() throws Exception {
        EmbedDocumentFunction fn = new EmbedDocumentFunction(() -> model, 512);
        fn.setRuntimeContext(DirectRuntime.context());
        fn.open(DefaultOpenContext.INSTANCE);
        return fn;
    }

    @Test
    void oneRequestAndOneIndexActionPerDocumentVersion() throws Exception {
        EmbedDocumentFunction fn = open();
        DocumentEvent e =
                DocumentEvent.upsert(
                        new Document(
                                "d",
                                3,
                                "cp",
                                "Copy files now please. Also copy directories here. Done.",
                                null,
                                new String[0],
                                "{}"));
        CollectingResult<IndexAction> r = new CollectingResult<>();
        fn.asyncInvoke(chunker.chunk(e), r);
        List<IndexAction> out = r.get();
        assertThat(out).hasSize(1);
        IndexAction a = out.get(0);
        assertThat(a.docId).isEqualTo("d");
        assertThat(a.docVersion).isEqualTo(3);
        assertThat(a.isDelete()).isFalse();
        assertThat(a.chunks).extracting(c -> c.chunkId()).containsExactly("d#0", "d#1");
        assertThat(model.embedCalls.get()).isEqualTo(1);
        Chunk first = a.chunks.get(0);
        // Embedded as "title\ntext", by the model named in the record.
        assertThat(first.embedding())
                .containsExactly(BagOfWordsModel.vector("cp\n" + first.text()));
        assertThat(a.modelId).isEqualTo(model.modelId());
        fn.close();
    }

    @Test
    void chunksWithIdsAreEmbeddedByIdsWithoutATokenizerCall() throws Exception {
        EmbedDocumentFunction fn = open();
        DocumentChunker encoding =
                new DocumentChunker(
                        new Chunker(new WhitespaceTokenizer(), 8, 0),
                        text -> model.embeddingTokens(text, EmbedRole.DOCUMENT));
        IndexAction chunked =
                encoding.chunk(
                        DocumentEvent.upsert(
                                new Document(
                                        "d",
                                        3,
                                        "cp",
                                        "Copy files now please. Also copy directories here. Done.",
                                        null,
                                        new String[0],
                                        "{}")));
        int tokenised = model.tokenisations.get();
        assertThat(tokenised).isEqualTo(2); // one per chunk, in the chunk step
        CollectingResult<IndexAction> r = new CollectingResult<>();
        fn.asyncInvoke(chunked, r);
        IndexAction a = r.get().get(0);
        assertThat(model.tokenisations.get()).as("tokenisations in the embed step").isEqualTo(2);
        assertThat(model.embedTokenCalls.get()).isEqualTo(1);
        assertThat(model.embedCalls.get()).as("embeddings by text").isZero();
        for (Chunk c : a.chunks) {
            // the vector of the same "title\ntext" embedded by text
            assertThat(c.embedding()).containsExactly(BagOfWordsModel.vector(EmbedText.of(c)));
            assertThat(c.tokens()).isNull();
        }
        fn.close();
    }

    @Test
    void deletesAndEmptyDocumentsBecomeDeleteActionsWithoutTheModel() throws Exception {
        EmbedDocumentFunction fn = open();
        CollectingResult<IndexAction> r1 = new CollectingResult<>();
        fn.asyncInvoke(chunker.chunk(DocumentEvent.delete(new DocumentDelete("d", 9))), r1);
        CollectingResult<IndexAction> r2 = new CollectingResult<>();
        fn.asyncInvoke(
                chunker.chunk(
                        DocumentEvent.upsert(new Document("e", 2, null, " ", null, null, null))),
                r2);
        assertThat(r1.get())
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.isDelete()).isTrue();
                            assertThat(a.docId).isEqualTo("d");
                            assertThat(a.docVersion).isEqualTo(9);
                        });
        assertThat(r2.get()).singleElement().satisfies(a -> assertThat(a.isDelete()).isTrue());
        assertThat(model.embedCalls.get()).isZero();
        fn.close();
    }
}
