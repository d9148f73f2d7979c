package dev.gemrag.connectors.milvus;

import dev.gemrag.connectors.records.Citation;

/** A search hit: the chunk and its cosine similarity to the question. */
public record RetrievedChunk(String chunkId, String docId, String title, String text, float score) {

    public Citation toCitation() {
        return new Citation(docId, chunkId, title, score);
    }
}
