package dev.gemrag.connectors.records;

import static org.apache.flink.configuration.description.TextElement.text;

import java.util.Locale;
import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

/**
 * How a question's chunks are found: by the model's embedding, by BM25 over the chunk text, or both
 * fused. Config key {@code retrieval.mode}; a question's {@code retrieval_mode} overrides it.
 */
public enum RetrievalMode implements DescribedEnum {
    DENSE("Nearest chunks by the model's embedding (cosine)."),
    HYBRID(
            "Dense and BM25 candidates fused (retrieval.fusion); needs a collection with full-text search."),
    SPARSE("BM25 over the chunk text (Milvus full-text search); the embedding is not used.");

    private final String description;

    RetrievalMode(String description) {
        this.description = description;
    }

    /** The JSON spelling: {@code dense}, {@code hybrid}, {@code sparse}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the JSON spelling (lower case only); null when it is none of them. */
    public static RetrievalMode fromWireName(String s) {
        for (RetrievalMode m : values()) {
            if (m.wireName().equals(s)) {
                return m;
            }
        }
        return null;
    }

    /** Whether this mode runs the BM25 leg. */
    public boolean usesSparse() {
        return this != DENSE;
    }

    /** Whether this mode runs the embedding leg. */
    public boolean usesDense() {
        return this != SPARSE;
    }

    @Override
    public InlineElement getDescription() {
        return text(description);
    }
}
