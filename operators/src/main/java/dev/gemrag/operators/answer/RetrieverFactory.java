package dev.gemrag.operators.answer;

import java.io.Serializable;

/** Shipped with the job; {@link #open(String, int)} runs in the task manager. */
@FunctionalInterface
public interface RetrieverFactory extends Serializable {
    /**
     * A retriever over the collection of this model id; fails when the collection's vectors are not
     * {@code dimension} wide (the model's embedding dimension).
     */
    Retriever open(String modelId, int dimension);
}
