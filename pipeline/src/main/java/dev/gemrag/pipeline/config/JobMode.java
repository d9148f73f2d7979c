package dev.gemrag.pipeline.config;

import static org.apache.flink.configuration.description.TextElement.text;

import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

/** Which branches of the job run. */
public enum JobMode implements DescribedEnum {
    INDEX("documents -> chunks -> embeddings -> Milvus"),
    QUERY("questions -> retrieval -> grounded answers -> answers topic"),
    BOTH("both branches in one job, sharing one model per TaskManager");

    private final String description;

    JobMode(String description) {
        this.description = description;
    }

    public boolean indexes() {
        return this != QUERY;
    }

    public boolean answers() {
        return this != INDEX;
    }

    @Override
    public InlineElement getDescription() {
        return text(description);
    }
}
