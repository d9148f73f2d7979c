package dev.gemrag.connectors.kafka;

import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.DocumentEvent;

/**
 * What the documents source emits for each Kafka record: exactly one of {@code event} (valid) or
 * {@code deadLetter} (invalid, with the raw record and the reason) is set. A POJO (public fields,
 * no-arg constructor) so Flink serialises it without Kryo.
 */
public final class ParsedDocument implements Parsed<DocumentEvent> {
    public DocumentEvent event;
    public DeadLetter deadLetter;

    public ParsedDocument() {}

    public static ParsedDocument valid(DocumentEvent event) {
        ParsedDocument p = new ParsedDocument();
        p.event = event;
        return p;
    }

    public static ParsedDocument invalid(DeadLetter deadLetter) {
        ParsedDocument p = new ParsedDocument();
        p.deadLetter = deadLetter;
        return p;
    }

    @Override
    public DocumentEvent value() {
        return event;
    }

    @Override
    public DeadLetter deadLetter() {
        return deadLetter;
    }
}
