package dev.gemrag.connectors.milvus;

/**
 * A search hit: the chunk and its cosine similarity to the question. The one hit type from the
 * Milvus retriever through the answer step (operators' {@code Retriever} returns it too).
 */
public record RetrievedChunk(
        String chunkId, String docId, String title, String text, float score) {}
