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
import dev.gemrag.operators.testing.RecordingMetrics;
import java.util.List;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.junit.jupiter.api.Test;

class EmbedDocumentFunctionTest {
    private final BagOfWordsModel model = new BagOfWordsModel();
    private final RecordingMetrics metrics = new RecordingMetrics();

    /** Chunks of 8 words without ids (a producer that did not encode). */
    private final DocumentChunker plain =
            new DocumentChunker(new Chunker(new WhitespaceTokenizer(), 8, 0));

    /** Chunks of 8 words with their ids, as the chunk step cuts them. */
    private final DocumentChunker encoding =
            new DocumentChunker(
                    new Chunker(new WhitespaceTokenizer(), 8, 0),
                    text -> model.embeddingTokens(text, EmbedRole.DOCUMENT));

    private EmbedDocumentFunction open(int maxInputTokens) throws Exception {
        EmbedDocumentFunction fn = new EmbedDocumentFunction(() -> model, maxInputTokens);
        fn.setRuntimeContext(DirectRuntime.context(metrics));
        fn.open(DefaultOpenContext.INSTANCE);
        return fn;
    }

    /** Version 3 of document "d", titled "cp": two chunks, of 8 words and of 1. */
    private static DocumentEvent cpVersion3() {
        return DocumentEvent.upsert(
                new Document(
                        "d",
                        3,
                        "cp",
                        "Copy files now please. Also copy directories here. Done.",
                        null,
                        new String[0],
                        "{}"));
    }

    private static IndexAction embed(EmbedDocumentFunction fn, IndexAction chunked)
            throws Exception {
        CollectingResult<IndexAction> r = new CollectingResult<>();
        fn.asyncInvoke(chunked, r);
        List<IndexAction> out = r.get();
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void oneRequestAndOneIndexActionPerDocumentVersion() throws Exception {
        EmbedDocumentFunction fn = open(512);
        IndexAction a = embed(fn, plain.chunk(cpVersion3()));
        assertThat(a.docId).isEqualTo("d");
        assertThat(a.docVersion).isEqualTo(3);
        assertThat(a.isDelete()).isFalse();
        assertThat(a.chunks).extracting(c -> c.chunkId()).containsExactly("d#0", "d#1");
        // chunks without ids are encoded here, once each, and sent by ids in one request
        assertThat(model.embedTokenCalls.get()).isEqualTo(1);
        assertThat(model.embedCalls.get()).as("embeddings by text").isZero();
        assertThat(model.tokenisations.get()).isEqualTo(2);
        Chunk first = a.chunks.get(0);
        // Embedded as "title\ntext", by the model named in the record.
        assertThat(first.embedding())
                .containsExactly(BagOfWordsModel.vector("cp\n" + first.text()));
        assertThat(a.modelId).isEqualTo(model.modelId());
        fn.close();
    }

    @Test
    void chunksWithIdsAreEmbeddedByIdsWithoutATokenizerCall() throws Exception {
        EmbedDocumentFunction fn = open(512);
        IndexAction chunked = encoding.chunk(cpVersion3());
        int tokenised = model.tokenisations.get();
        assertThat(tokenised).isEqualTo(2); // one per chunk, in the chunk step
        IndexAction a = embed(fn, chunked);
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
    void aModelThatEmbedsTextsOnlyGetsTheChunksTexts() throws Exception {
        model.textsOnly = true;
        EmbedDocumentFunction fn = open(512);
        IndexAction a = embed(fn, plain.chunk(cpVersion3()));
        assertThat(model.embedCalls.get()).isEqualTo(1);
        assertThat(model.embedTokenCalls.get()).isZero();
        for (Chunk c : a.chunks) {
            assertThat(c.embedding()).containsExactly(BagOfWordsModel.vector(EmbedText.of(c)));
        }
        fn.close();
    }

    @Test
    void truncatedInputsCountsTheSummaryTokensAgainstTheLimit() throws Exception {
        IndexAction chunked = encoding.chunk(cpVersion3());
        int longest = chunked.chunks.get(0).tokens().length;
        assertThat(chunked.chunks.get(1).tokens().length).isLessThan(longest - 1);
        // the longest chunk's ids fill the limit exactly; the model appends one summary id
        model.summaryTokens = 1;
        EmbedDocumentFunction fn = open(longest);
        embed(fn, chunked);
        assertThat(metrics.count("truncatedInputs"))
                .as("inputs longer than the limit once the summary id is appended")
                .isEqualTo(1);
        fn.close();
    }

    @Test
    void deletesAndEmptyDocumentsBecomeDeleteActionsWithoutTheModel() throws Exception {
        EmbedDocumentFunction fn = open(512);
        IndexAction deleted =
                embed(fn, plain.chunk(DocumentEvent.delete(new DocumentDelete("d", 9))));
        IndexAction empty =
                embed(
                        fn,
                        plain.chunk(
                                DocumentEvent.upsert(
                                        new Document("e", 2, null, " ", null, null, null))));
        assertThat(deleted.isDelete()).isTrue();
        assertThat(deleted.docId).isEqualTo("d");
        assertThat(deleted.docVersion).isEqualTo(9);
        assertThat(empty.isDelete()).isTrue();
        assertThat(model.embedCalls.get() + model.embedTokenCalls.get()).isZero();
        fn.close();
    }
}
