package dev.gemrag.operators.answer;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import java.util.List;

/** Top-k nearest chunks that the given groups may read. Blocking; called off the Flink task thread. */
public interface Retriever extends AutoCloseable {
    List<RetrievedChunk> search(float[] queryEmbedding, int topK, List<String> groups);

    @Override
    void close();
}
