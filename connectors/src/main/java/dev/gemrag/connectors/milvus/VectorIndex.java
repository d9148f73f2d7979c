package dev.gemrag.connectors.milvus;

import static org.apache.flink.configuration.description.TextElement.text;

import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

/** The vector index built on the embedding field (metric: COSINE). */
public enum VectorIndex implements DescribedEnum {
    HNSW("HNSW graph with the configured M and efConstruction."),
    AUTOINDEX("Let the server choose (Milvus' AUTOINDEX).");

    private final String description;

    VectorIndex(String description) {
        this.description = description;
    }

    @Override
    public InlineElement getDescription() {
        return text(description);
    }
}
