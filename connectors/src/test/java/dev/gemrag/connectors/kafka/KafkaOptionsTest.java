package dev.gemrag.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

import dev.gemrag.connectors.records.json.RecordLimits;

class KafkaOptionsTest {

    @Test
    void defaultsMatchTheRecordLimitsAndTopics() {
        Configuration c = new Configuration();
        assertThat(KafkaOptions.limits(c)).isEqualTo(RecordLimits.defaults());
        c.set(KafkaOptions.BOOTSTRAP_SERVERS, "k:9092");
        assertThat(KafkaOptions.documentsSource(c).effectiveProperties())
                .containsEntry("bootstrap.servers", "k:9092").containsEntry("group.id", "gemrag-index");
        assertThat(KafkaOptions.questionsSource(c).effectiveProperties()).containsEntry("group.id", "gemrag-query");
        assertThat(KafkaOptions.answersSink(c).build()).isNotNull();
        assertThat(KafkaOptions.deadLettersSink(c).build()).isNotNull();
    }

    @Test
    void readsEverySettingFromAFlatMap() {
        // What a configuration file turns into: string keys and values.
        Configuration c = Configuration.fromMap(Map.of(
                "kafka.bootstrap-servers", "a:1,b:2",
                "kafka.properties", "security.protocol:SASL_SSL,sasl.mechanism:PLAIN",
                "kafka.group-id.index", "idx",
                "kafka.delivery-guarantee", "exactly-once",
                "kafka.transactional-id-prefix", "job7",
                "records.max-text-bytes", "2048",
                "records.max-top-k", "7"));
        assertThat(KafkaOptions.documentsSource(c).effectiveProperties())
                .containsEntry("bootstrap.servers", "a:1,b:2").containsEntry("group.id", "idx")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");
        assertThat(KafkaOptions.limits(c).maxTextBytes()).isEqualTo(2048);
        assertThat(KafkaOptions.limits(c).maxTopK()).isEqualTo(7);
        assertThat(c.get(KafkaOptions.DELIVERY_GUARANTEE)).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        // EXACTLY_ONCE with the configured prefix: builds, with the bounded transaction timeout.
        assertThat(KafkaOptions.answersSink(c).effectiveProperties()).containsEntry("transaction.timeout.ms", "900000");
        assertThat(KafkaOptions.answersSink(c).build()).isNotNull();
    }

    @Test
    void badValuesNameTheFix() {
        Configuration c = Configuration.fromMap(Map.of("kafka.starting-offsets", "oldest"));
        assertThatThrownBy(() -> KafkaOptions.documentsSource(c))
                .hasMessage("unknown starting offsets 'oldest': use one of committed-or-earliest, committed-or-latest, earliest, latest");
        assertThatThrownBy(() -> KafkaOptions.documentsSource(new Configuration()).build())
                .hasMessageStartingWith("Kafka bootstrap servers are not set");
        assertThatThrownBy(() -> KafkaOptions.limits(Configuration.fromMap(Map.of("records.max-groups", "0"))))
                .hasMessage("RecordLimits.maxGroups must be >= 1, got 0");
    }
}
