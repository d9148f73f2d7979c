package dev.gemrag.connectors.milvus;

import static org.apache.flink.configuration.description.TextElement.text;

import dev.gemrag.connectors.milvus.internal.EnglishTerms;
import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

/**
 * How the BM25 leg's text is analysed, a property of each full-text collection: documents and
 * questions must go through the same analyzer, so the sink and the retriever follow the one the
 * collection was created with. Milvus Lite's server analyzer has the standard tokenizer only (it
 * ignores stemmer filters), so stemming runs here, before the text reaches the server.
 */
public enum TextAnalyzer implements DescribedEnum {
    STANDARD(
            "The server's standard analyzer on the raw text (the layout of collections made before "
                    + "stemming)."),
    ENGLISH(
            "Unicode word tokens, lower-cased, English possessives dropped and Snowball (Porter2) "
                    + "English stems, computed by gemrag; the server indexes the stems.");

    private final String description;

    TextAnalyzer(String description) {
        this.description = description;
    }

    /** The text the server's BM25 function sees (documents) or is queried with (questions). */
    public String analyze(String text) {
        return this == ENGLISH ? EnglishTerms.of(text) : text;
    }

    /** The value of the collection property that records it. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The analyzer a collection property names; absent = STANDARD (collections made before). */
    public static TextAnalyzer fromProperty(String value) {
        if (value == null || value.isBlank()) {
            return STANDARD;
        }
        for (TextAnalyzer a : values()) {
            if (a.wireName().equals(value)) {
                return a;
            }
        }
        throw new IllegalStateException(
                "unknown text analyzer '" + value + "' in the collection's properties");
    }

    @Override
    public InlineElement getDescription() {
        return text(description);
    }
}
