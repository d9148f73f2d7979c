package dev.gemrag.connectors.records;

import static org.apache.flink.configuration.description.TextElement.text;

import java.util.Locale;
import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

/**
 * Whether the answer step re-orders the retriever's candidates before the best top-k go into the
 * prompt. Config key {@code retrieval.rerank}; a question's {@code rerank} overrides it.
 */
public enum RerankMode implements DescribedEnum {
    OFF("The retriever's order (fused hybrid, dense or BM25 scores)."),
    LLM(
            "The same model re-scores the retriever's top retrieval.rerank-candidates chunks by query likelihood, "
                    + "the mean log-probability of the question's tokens after the chunk, and the best top-k are kept."),
    AUTO(
            "As llm, but skipped when the retriever's first document leads the next document by at least "
                    + "retrieval.rerank-skip-margin of fused score (the reranker rarely changes a clear first, and costs a forward over every candidate).");

    private final String description;

    RerankMode(String description) {
        this.description = description;
    }

    /** The JSON spelling: {@code off}, {@code llm}, {@code auto}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the JSON spelling (lower case only); null when it is none of them. */
    public static RerankMode fromWireName(String s) {
        for (RerankMode m : values()) {
            if (m.wireName().equals(s)) {
                return m;
            }
        }
        return null;
    }

    @Override
    public InlineElement getDescription() {
        return text(description);
    }
}
