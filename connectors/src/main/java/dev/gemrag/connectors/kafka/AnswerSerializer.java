package dev.gemrag.connectors.kafka;

import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.json.AnswerJson;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** An answer as a Kafka record: key = question id (UTF-8), value = {@link AnswerJson}. */
public final class AnswerSerializer implements KafkaRecordSerializationSchema<Answer> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public AnswerSerializer(String topic) {
        this.topic = KafkaTopics.requireName(topic, "answers");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            Answer answer, KafkaSinkContext context, Long timestamp) {
        byte[] key =
                answer.questionId() == null
                        ? null
                        : answer.questionId().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, timestamp, key, AnswerJson.toBytes(answer));
    }
}
