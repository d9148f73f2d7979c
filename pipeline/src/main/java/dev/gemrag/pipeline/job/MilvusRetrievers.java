package dev.gemrag.pipeline.job;

import dev.gemrag.connectors.milvus.MilvusRetriever;
import dev.gemrag.connectors.records.RetrievalMode;
import dev.gemrag.operators.answer.RetrievedChunk;
import dev.gemrag.operators.answer.Retriever;
import dev.gemrag.operators.answer.RetrieverFactory;
import java.util.List;

/**
 * The answer step's {@link Retriever} over {@link MilvusRetriever} (top-k with the ACL filter, in the
 * question's or the configured retrieval mode). Also what {@code gemrag eval} queries through.
 */
public final class MilvusRetrievers implements RetrieverFactory {
    private static final long serialVersionUID = 1L;
    private final MilvusRetriever prototype;

    public MilvusRetrievers(MilvusRetriever prototype) {
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
                return convert(r.search(query, groups, topK));
            }

            @Override
            public List<RetrievedChunk> search(String text, float[] query, RetrievalMode mode, int topK,
                    List<String> groups) {
                return convert(r.search(text, query, mode, groups, topK));
            }

            @Override
            public void close() {
                r.close();
            }
        };
    }

    private static List<RetrievedChunk> convert(List<dev.gemrag.connectors.milvus.RetrievedChunk> hits) {
        return hits.stream().map(h -> new RetrievedChunk(h.docId(), h.chunkId(), h.title(), h.text(), h.score()))
                .toList();
    }
}
