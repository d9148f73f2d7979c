package dev.gemrag.pipeline.job;

import dev.gemrag.connectors.milvus.MilvusRetriever;
import dev.gemrag.operators.answer.RetrievedChunk;
import dev.gemrag.operators.answer.Retriever;
import dev.gemrag.operators.answer.RetrieverFactory;
import java.util.List;

/** The answer step's {@link Retriever} over {@link MilvusRetriever} (top-k with the ACL filter). */
final class MilvusRetrievers implements RetrieverFactory {
    private static final long serialVersionUID = 1L;
    private final MilvusRetriever prototype;

    MilvusRetrievers(MilvusRetriever prototype) {
        this.prototype = prototype;
    }

    @Override
    public Retriever open(String modelId, int dimension) {
        // Each operator instance deserializes its own (unconnected) copy of the job graph's retriever.
        MilvusRetriever r = prototype;
        r.open();
        return new Retriever() {
            @Override
            public List<RetrievedChunk> search(float[] query, int topK, List<String> groups) {
                return r.search(query, groups, topK).stream()
                        .map(h -> new RetrievedChunk(h.docId(), h.chunkId(), h.title(), h.text(), h.score()))
                        .toList();
            }

            @Override
            public void close() {
                r.close();
            }
        };
    }
}
