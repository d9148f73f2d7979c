package dev.gemrag.operators.answer;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.connectors.records.RetrievalMode;
import java.util.List;

/** Top-k chunks that the given groups may read. Blocking; called off the Flink task thread. */
public interface Retriever extends AutoCloseable {
    /** Top-k nearest chunks by the question's embedding. */
    List<RetrievedChunk> search(float[] queryEmbedding, int topK, List<String> groups);

    /**
     * Top-k chunks for a question in a retrieval mode: the text feeds BM25 (sparse, hybrid), the
     * embedding the dense leg. {@code mode} null = the retriever's configured default. A retriever
     * without full-text search serves every mode by the embedding (this default).
     */
    default List<RetrievedChunk> search(
            String queryText,
            float[] queryEmbedding,
            RetrievalMode mode,
            int topK,
            List<String> groups) {
        return search(queryEmbedding, topK, groups);
    }

    @Override
    void close();
}
