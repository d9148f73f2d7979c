package dev.gemrag.connectors.kafka;

import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.json.DeadLetterBudget;
import dev.gemrag.connectors.records.json.DeadLetterJson;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A dead letter as a Kafka record: key = the original record's key bytes (so a document's failures
 * stay together), value = {@link DeadLetterJson}, cut by {@link DeadLetterBudget} to fit the
 * producer's {@code max.request.size}: a record too large to write would fail the job and be
 * replayed forever.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int maxRequestBytes;

    public DeadLetterSerializer(String topic) {
        this(topic, DeadLetterBudget.KAFKA_DEFAULT_MAX_REQUEST_BYTES);
    }

    /**
     * @param maxRequestBytes the producer's {@code max.request.size}
     */
    public DeadLetterSerializer(String topic, int maxRequestBytes) {
        this.topic = KafkaTopics.requireName(topic, "dead-letters");
        this.maxRequestBytes = maxRequestBytes;
        new DeadLetterBudget(maxRequestBytes); // checks the limit now, at job build time
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter deadLetter, KafkaSinkContext context, Long timestamp) {
        DeadLetterBudget.Encoded e = new DeadLetterBudget(maxRequestBytes).encode(deadLetter);
        return new ProducerRecord<>(topic, null, timestamp, e.key(), e.value());
    }
}
