package dev.gemrag.operators.chunk;

import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.Document;
import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.IndexAction;
import dev.gemrag.operators.embed.EmbedText;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Turns one document event into the chunks of that version (none for a delete or an empty text),
 * each with the model's ids of the text it is embedded from ({@link EmbedText}) when an encoder is
 * given: the one tokenisation of that text on the document path.
 */
public final class DocumentChunker {
    private final Chunker chunker;
    private final Function<String, int[]> embeddingTokens; // null: chunks carry no ids

    /** Chunks without token ids (the embed step then sends their text). */
    public DocumentChunker(Chunker chunker) {
        this(chunker, null);
    }

    /**
     * @param embeddingTokens the model's ids of an embedding text in the DOCUMENT role (e.g. {@code
     *     text -> model.embeddingTokens(text, EmbedRole.DOCUMENT)})
     */
    public DocumentChunker(Chunker chunker, Function<String, int[]> embeddingTokens) {
        this.chunker = chunker;
        this.embeddingTokens = embeddingTokens;
    }

    public IndexAction chunk(DocumentEvent event) {
        if (event.isDelete()) {
            return IndexAction.delete(event.id(), event.version());
        }
        Document d = event.upsert;
        List<String> texts = chunker.split(d.text());
        List<Chunk> chunks = new ArrayList<>(texts.size());
        String[] acl = d.acl() == null ? new String[0] : d.acl();
        String metadata = d.metadataJson() == null ? "{}" : d.metadataJson();
        for (int i = 0; i < texts.size(); i++) {
            Chunk c =
                    new Chunk(
                            Chunk.chunkId(d.id(), i),
                            d.id(),
                            d.version(),
                            i,
                            d.title(),
                            texts.get(i),
                            acl,
                            metadata);
            chunks.add(
                    embeddingTokens == null
                            ? c
                            : c.withTokens(embeddingTokens.apply(EmbedText.of(c))));
        }
        return IndexAction.chunked(d.id(), d.version(), chunks);
    }
}
