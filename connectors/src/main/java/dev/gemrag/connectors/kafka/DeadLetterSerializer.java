package dev.gemrag.connectors.kafka;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.json.DeadLetterJson;

/**
 * A dead letter as a Kafka record: key = the original record's key bytes (so a document's failures stay
 * together), value = {@link DeadLetterJson}.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = KafkaTopics.requireName(topic, "dead-letters");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter deadLetter, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, deadLetter.key(), DeadLetterJson.toBytes(deadLetter));
    }
}
