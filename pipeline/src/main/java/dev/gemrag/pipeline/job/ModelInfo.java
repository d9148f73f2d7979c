package dev.gemrag.pipeline.job;

import dev.gemrag.operators.model.ModelClient;
import dev.gemrag.operators.model.ModelClientFactory;

/**
 * What the job graph needs to know about the model before it runs: the Milvus collection is named
 * after it.
 */
public record ModelInfo(String modelId, int dimension) {
    /** Opens the model once (in this JVM) to read its id and dimension. */
    public static ModelInfo of(ModelClientFactory models) {
        try (ModelClient c = models.open()) {
            return new ModelInfo(c.modelId(), c.embeddingDimension());
        }
    }
}
