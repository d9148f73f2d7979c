package dev.gemrag.operators.chunk;

import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.Document;
import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.IndexAction;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one document event into the chunks of that version (none for a delete or an empty text).
 */
public final class DocumentChunker {
    private final Chunker chunker;

    public DocumentChunker(Chunker chunker) {
        this.chunker = chunker;
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
            chunks.add(
                    new Chunk(
                            Chunk.chunkId(d.id(), i),
                            d.id(),
                            d.version(),
                            i,
                            d.title(),
                            texts.get(i),
                            acl,
                            metadata));
        }
        return IndexAction.chunked(d.id(), d.version(), chunks);
    }
}
