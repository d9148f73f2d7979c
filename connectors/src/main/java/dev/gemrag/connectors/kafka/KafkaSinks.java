package dev.gemrag.connectors.kafka;

import dev.gemrag.annotations.PublicApi;
import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.DeadLetter;

/** Entry points for the gemrag Kafka sinks. */
@PublicApi
public final class KafkaSinks {
    private KafkaSinks() {}

    /** The answers topic: key = question id, value = answer JSON. */
    public static RecordSinkBuilder<Answer> answers() {
        return new RecordSinkBuilder<>(KafkaTopics.ANSWERS, AnswerSerializer::new);
    }

    /** The dead-letter topic: key = the original key, value = dead-letter JSON. */
    public static RecordSinkBuilder<DeadLetter> deadLetters() {
        return new RecordSinkBuilder<>(KafkaTopics.DEAD_LETTERS, DeadLetterSerializer::new);
    }
}
