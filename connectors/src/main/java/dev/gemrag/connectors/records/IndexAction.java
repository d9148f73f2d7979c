package dev.gemrag.connectors.records;

import java.util.List;

/**
 * What the Milvus sink applies for one document event. An upsert carries ALL chunks of one document
 * version, so the sink can write them and then delete every chunk of that document with another
 * version (a document that shrinks from 9 chunks to 2 keeps exactly 2). A delete (or an upsert with no
 * chunks, e.g. an empty document) removes every chunk of the document.
 * Public fields: a Flink POJO.
 */
public final class IndexAction {
    public String docId;
    public long docVersion;
    /** Empty for a delete. */
    public List<EmbeddedChunk> chunks;

    public IndexAction() {}

    public static IndexAction upsert(String docId, long docVersion, List<EmbeddedChunk> chunks) {
        IndexAction a = new IndexAction();
        a.docId = docId;
        a.docVersion = docVersion;
        a.chunks = new java.util.ArrayList<>(chunks);
        return a;
    }

    public static IndexAction delete(String docId, long docVersion) {
        return upsert(docId, docVersion, List.of());
    }

    public boolean isDelete() {
        return chunks == null || chunks.isEmpty();
    }
}
