package dev.gemrag.connectors.milvus;

import static org.apache.flink.configuration.description.TextElement.text;

import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

/** What the sink does with a title or text longer than its field's max length. */
public enum FieldOverflow implements DescribedEnum {
    TRUNCATE(
            "Cut the value at the field's max length (on a UTF-8 character boundary) and count it "
                    + "in the 'truncatedFields' metric."),
    REJECT("Fail the write with an error naming the chunk and the field.");

    private final String description;

    FieldOverflow(String description) {
        this.description = description;
    }

    @Override
    public InlineElement getDescription() {
        return text(description);
    }
}
