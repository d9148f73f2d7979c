package dev.gemrag.pipeline.job;

import dev.gemrag.connectors.milvus.MilvusRetriever;
import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.connectors.records.RetrievalMode;
import dev.gemrag.operators.answer.Retriever;
import dev.gemrag.operators.answer.RetrieverFactory;
import java.util.List;

/**
 * The answer step's {@link Retriever} over {@link MilvusRetriever} (top-k with the ACL filter, in
 * the question's or the configured retrieval mode). Also what {@code gemrag eval} queries through.
 */
public final class MilvusRetrievers implements RetrieverFactory {
    private static final long serialVersionUID = 1L;
    private final MilvusRetriever prototype;

    public MilvusRetrievers(MilvusRetriever prototype) {
        this.prototype = prototype;
    }

    @Override
    public Retriever open(String modelId, int dimension) {
        // The job graph was built for the client's model; this TaskManager resolved its own
        // (model.path and
        // model.adapter are resolved where the model loads). Searching another model's vectors
        // would be silent
        // nonsense, so the two must agree.
        if (prototype.modelId() != null && !prototype.modelId().equals(modelId)) {
            throw new IllegalStateException(
                    "this TaskManager loaded model '"
                            + modelId
                            + "' but the job was built"
                            + " for model '"
                            + prototype.modelId()
                            + "': give every machine the same model.path and model.adapter");
        }
        // Each operator instance deserializes its own (unconnected) copy of the job graph's
        // retriever. The collection must hold vectors as wide as this model's embeddings.
        MilvusRetriever r = prototype;
        r.open(dimension);
        return new Retriever() {
            @Override
            public List<RetrievedChunk> search(float[] query, int topK, List<String> groups) {
                return r.search(query, topK, groups);
            }

            @Override
            public List<RetrievedChunk> search(
                    String text, float[] query, RetrievalMode mode, int topK, List<String> groups) {
                return r.search(text, query, mode, topK, groups);
            }

            @Override
            public void close() {
                r.close();
            }
        };
    }
}
