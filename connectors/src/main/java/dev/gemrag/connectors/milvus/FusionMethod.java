package dev.gemrag.connectors.milvus;

import static org.apache.flink.configuration.description.TextElement.text;

import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

/**
 * How hybrid retrieval merges the dense and the BM25 candidate lists (see {@link HybridFusion}).
 */
public enum FusionMethod implements DescribedEnum {
    WEIGHTED(
            "w * dense + (1 - w) * bm25, each leg's scores normalised over its candidates (dense "
                    + "min-max, BM25 by retrieval.bm25-normalization; w = retrieval.dense-weight)."),
    RRF(
            "Reciprocal rank fusion: sum of 1 / (retrieval.rrf-k + rank) over the legs; ignores scores.");

    private final String description;

    FusionMethod(String description) {
        this.description = description;
    }

    @Override
    public InlineElement getDescription() {
        return text(description);
    }
}
