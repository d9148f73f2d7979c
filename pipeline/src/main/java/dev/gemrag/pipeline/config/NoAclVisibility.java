package dev.gemrag.pipeline.config;

import static org.apache.flink.configuration.description.TextElement.text;

import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

/** Who may read a document that carries no acl. */
public enum NoAclVisibility implements DescribedEnum {
    PUBLIC("every question may retrieve it"),
    PRIVATE("no question may retrieve it");

    private final String description;

    NoAclVisibility(String description) {
        this.description = description;
    }

    @Override
    public InlineElement getDescription() {
        return text(description);
    }
}
