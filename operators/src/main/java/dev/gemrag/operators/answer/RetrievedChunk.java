package dev.gemrag.operators.answer;

/** A search hit: a chunk and its cosine score. */
public record RetrievedChunk(String docId, String chunkId, String title, String text, float score) {
}
