package dev.gemrag.connectors.kafka;

import dev.gemrag.annotations.PublicApi;

/**
 * Entry points for the gemrag Kafka sources. Each emits one element per Kafka record: the parsed
 * record, or a dead letter for a record that breaks its contract (never an exception).
 */
@PublicApi
public final class KafkaSources {
    private KafkaSources() {}

    /** The documents topic: {@link ParsedDocument} (a {@code DocumentEvent} or a dead letter). */
    public static RecordSourceBuilder<ParsedDocument> documents() {
        return new RecordSourceBuilder<>(
                KafkaTopics.DOCUMENTS, "gemrag-index", DocumentDeserializer::new);
    }

    /** The questions topic: {@link ParsedQuestion} (a {@code Question} or a dead letter). */
    public static RecordSourceBuilder<ParsedQuestion> questions() {
        return new RecordSourceBuilder<>(
                KafkaTopics.QUESTIONS, "gemrag-query", QuestionDeserializer::new);
    }
}
