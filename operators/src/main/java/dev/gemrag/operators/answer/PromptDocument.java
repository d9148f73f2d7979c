package dev.gemrag.operators.answer;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import java.util.List;

/**
 * One numbered source of the prompt: the chunks of one document that made it into the prompt, in
 * retrieval order (best first). Chunks of the same document share a number, so a citation names a
 * document, never two halves of one.
 */
public record PromptDocument(int number, String docId, String title, List<RetrievedChunk> chunks) {
    /** The best-scoring chunk (the first: hits arrive best first). */
    public RetrievedChunk best() {
        return chunks.get(0);
    }
}
