package dev.gemrag.operators.chunk;

import dev.gemrag.connectors.records.Chunk;
import java.util.ArrayList;
import java.util.List;

/**
 * All chunks of one document version: the unit the embedder and the Milvus sink work on, so the
 * sink can write a version whole and then delete the chunks of other versions. No chunks = delete.
 * Public fields: a Flink POJO.
 */
public final class DocumentChunks {
    public String docId;
    public long docVersion;
    public List<Chunk> chunks;

    public DocumentChunks() {}

    public DocumentChunks(String docId, long docVersion, List<Chunk> chunks) {
        this.docId = docId;
        this.docVersion = docVersion;
        this.chunks = new ArrayList<>(chunks);
    }

    public boolean isDelete() {
        return chunks == null || chunks.isEmpty();
    }

    @Override
    public String toString() {
        return "DocumentChunks{" + docId + " v" + docVersion + ", " + (chunks == null ? 0 : chunks.size()) + " chunks}";
    }
}
