package dev.gemrag.connectors.records;

/** A chunk with its embedding from the model named by modelId. */
public record EmbeddedChunk(Chunk chunk, float[] embedding, String modelId) {
}
