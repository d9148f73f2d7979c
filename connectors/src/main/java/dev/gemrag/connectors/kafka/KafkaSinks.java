package dev.gemrag.connectors.kafka;

import dev.gemrag.annotations.PublicApi;
import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.json.DeadLetterBudget;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Entry points for the gemrag Kafka sinks. */
@PublicApi
public final class KafkaSinks {
    private KafkaSinks() {}

    /** The answers topic: key = question id, value = answer JSON. */
    public static RecordSinkBuilder<Answer> answers() {
        return new RecordSinkBuilder<>(
                KafkaTopics.ANSWERS, (topic, properties) -> new AnswerSerializer(topic));
    }

    /**
     * The dead-letter topic: key = the original key, value = dead-letter JSON, cut to the
     * producer's max.request.size.
     */
    public static RecordSinkBuilder<DeadLetter> deadLetters() {
        return new RecordSinkBuilder<>(
                KafkaTopics.DEAD_LETTERS,
                (topic, properties) ->
                        new DeadLetterSerializer(topic, maxRequestBytes(properties)));
    }

    static int maxRequestBytes(Properties properties) {
        String v = properties.getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (v == null) {
            return DeadLetterBudget.KAFKA_DEFAULT_MAX_REQUEST_BYTES;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Kafka property 'max.request.size' must be an integer, got '" + v + "'");
        }
    }
}
