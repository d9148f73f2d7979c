package dev.gemrag.connectors.kafka;

import dev.gemrag.connectors.records.DeadLetter;

/** What a source emits for one Kafka record: either a parsed value or a dead letter, never both. */
public interface Parsed<T> {
    /** The parsed record, or null when the record is a dead letter. */
    T value();

    /** The raw record and the reason it was refused, or null when it parsed. */
    DeadLetter deadLetter();

    default boolean isValid() {
        return value() != null;
    }
}
