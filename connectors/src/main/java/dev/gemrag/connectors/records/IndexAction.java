package dev.gemrag.connectors.records;

import java.util.ArrayList;
import java.util.List;

/**
 * All chunks of one document version: what the chunk step emits, the embed step fills in, and the
 * Milvus sink applies. An upsert carries ALL chunks of one version, so the sink can write them and
 * then delete every chunk of that document with another version (a document that shrinks from 9
 * chunks to 2 keeps exactly 2). A delete (or an upsert with no chunks, e.g. an empty document)
 * removes every chunk of the document. Public fields: a Flink POJO.
 */
public final class IndexAction {
    public String docId;
    public long docVersion;

    /** The model that embedded the chunks; null before the embed step (and for a delete). */
    public String modelId;

    /** Empty for a delete. */
    public List<Chunk> chunks;

    public IndexAction() {}

    /** The chunks of a version as cut (not embedded yet). */
    public static IndexAction chunked(String docId, long docVersion, List<Chunk> chunks) {
        return upsert(docId, docVersion, null, chunks);
    }

    /** The chunks of a version, each with its embedding by {@code modelId}. */
    public static IndexAction upsert(
            String docId, long docVersion, String modelId, List<Chunk> chunks) {
        IndexAction a = new IndexAction();
        a.docId = docId;
        a.docVersion = docVersion;
        a.modelId = modelId;
        a.chunks = new ArrayList<>(chunks);
        return a;
    }

    public static IndexAction delete(String docId, long docVersion) {
        return upsert(docId, docVersion, null, List.of());
    }

    public boolean isDelete() {
        return chunks == null || chunks.isEmpty();
    }

    @Override
    public String toString() {
        return "IndexAction{"
                + docId
                + " v"
                + docVersion
                + ", "
                + (chunks == null ? 0 : chunks.size())
                + " chunks}";
    }
}
