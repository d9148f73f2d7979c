package dev.gemrag.connectors.milvus;

import static org.apache.flink.configuration.description.TextElement.text;

import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

/** Who may retrieve a chunk whose document has no acl. */
public enum EmptyAclPolicy implements DescribedEnum {
    PRIVATE("Nobody: a chunk is returned only to a question whose groups intersect its acl."),
    PUBLIC("Everybody: chunks with an empty acl are returned to every question.");

    private final String description;

    EmptyAclPolicy(String description) {
        this.description = description;
    }

    @Override
    public InlineElement getDescription() {
        return text(description);
    }
}
