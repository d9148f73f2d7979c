package dev.gemrag.connectors.records;

import static org.apache.flink.configuration.description.TextElement.text;

import java.util.Locale;
import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

/**
 * How the model's reply is primed: the text put after the chat template's assistant prefix, which
 * the model continues and the answer keeps. Attribution-first frames make a small model lead with
 * the top-ranked source instead of echoing the instruction. Config key {@code answer.frame}; a
 * question's {@code answer_frame} overrides it. The wire and config spelling is the lower-case name
 * ({@code none}, {@code title}, {@code according_to}).
 */
public enum AnswerFrame implements DescribedEnum {
    NONE("The reply starts unprimed."),
    TITLE("The reply starts with the first source's marker and title: \"[1] <title>: \"."),
    ACCORDING_TO("The reply starts \"According to <title> [1], \" (the first source's title).");

    private final String description;

    AnswerFrame(String description) {
        this.description = description;
    }

    /** The JSON spelling: {@code none}, {@code title}, {@code according_to}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the JSON spelling (lower case only); null when it is none of them. */
    public static AnswerFrame fromWireName(String s) {
        for (AnswerFrame f : values()) {
            if (f.wireName().equals(s)) {
                return f;
            }
        }
        return null;
    }

    @Override
    public InlineElement getDescription() {
        return text(description);
    }
}
