package dev.gemrag.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

/**
 * Builder sanity checks (messages asserted verbatim: they tell the user the fix) and property
 * pass-through.
 */
class BuildersTest {

    @Test
    void sourceNeedsServersTopicAndGroup() {
        assertThatThrownBy(
                        () ->
                                KafkaSources.documents()
                                        .setTopics("documents")
                                        .setGroupId("g")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Kafka bootstrap servers are not set: call setBootstrapServers(\"host:9092\") or give the 'bootstrap.servers' property");
        assertThatThrownBy(
                        () ->
                                KafkaSources.documents()
                                        .setBootstrapServers("k:9092")
                                        .setGroupId("g")
                                        .build())
                .hasMessage("no topic to read (or an empty name): call setTopics(\"documents\")");
        assertThatThrownBy(
                        () ->
                                KafkaSources.questions()
                                        .setBootstrapServers("k:9092")
                                        .setTopics("questions")
                                        .build())
                .hasMessage(
                        "no consumer group: call setGroupId(\"gemrag-query\") or give the 'group.id' property; offsets are committed under it on checkpoints");
        assertThatThrownBy(
                        () ->
                                KafkaSources.documents()
                                        .setBootstrapServers("k:9092")
                                        .setTopics("d")
                                        .setGroupId("g")
                                        .setLimits(null)
                                        .build())
                .hasMessage("record limits are null: call setLimits(RecordLimits.defaults())");
    }

    @Test
    void sourcePassesClientPropertiesThroughAndCommitsOnCheckpoint() {
        var b =
                KafkaSources.documents()
                        .setProperties(
                                Map.of(
                                        "bootstrap.servers",
                                        "a:9093",
                                        "group.id",
                                        "from-props",
                                        "security.protocol",
                                        "SASL_SSL",
                                        "sasl.mechanism",
                                        "PLAIN"))
                        .setProperty("ssl.truststore.location", "/t.jks")
                        .setTopics("documents");
        Properties p = b.effectiveProperties();
        assertThat(p)
                .containsEntry("bootstrap.servers", "a:9093")
                .containsEntry("group.id", "from-props")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("ssl.truststore.location", "/t.jks")
                .containsEntry("commit.offsets.on.checkpoint", "true");
        // Explicit setters win over properties.
        assertThat(b.setBootstrapServers("b:9092").setGroupId("g2").effectiveProperties())
                .containsEntry("bootstrap.servers", "b:9092")
                .containsEntry("group.id", "g2");
        assertThat(b.build().getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(b.setBounded(true).build().getBoundedness()).isEqualTo(Boundedness.BOUNDED);
    }

    @Test
    void sinkNeedsServersTopicAndAPrefixForExactlyOnce() {
        assertThatThrownBy(() -> KafkaSinks.answers().setTopic("answers").build())
                .hasMessage(
                        "Kafka bootstrap servers are not set: call setBootstrapServers(\"host:9092\") or give the 'bootstrap.servers' property");
        assertThatThrownBy(() -> KafkaSinks.answers().setBootstrapServers("k:9092").build())
                .hasMessage("no topic to write: call setTopic(\"answers\")");
        assertThatThrownBy(
                        () ->
                                KafkaSinks.deadLetters()
                                        .setBootstrapServers("k:9092")
                                        .setTopic("dl")
                                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                                        .build())
                .hasMessage(
                        "EXACTLY_ONCE delivery needs a transactional id prefix: call setTransactionalIdPrefix(\"gemrag-dead-letters\"), unique per job and sink");
        assertThatThrownBy(
                        () ->
                                KafkaSinks.answers()
                                        .setBootstrapServers("k:9092")
                                        .setTopic("a")
                                        .setDeliveryGuarantee(null)
                                        .build())
                .hasMessage(
                        "delivery guarantee is null: call setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)");
        assertThatThrownBy(() -> KafkaSinks.answers().setProperty("sasl.jaas.config", null))
                .hasMessage("Kafka client property 'sasl.jaas.config' has no value");
    }

    @Test
    void sinkPassesPropertiesAndBoundsTheTransactionTimeout() {
        var atLeastOnce =
                KafkaSinks.answers()
                        .setBootstrapServers("k:9092")
                        .setTopic("answers")
                        .setProperties(Map.of("compression.type", "zstd"));
        assertThat(atLeastOnce.effectiveProperties())
                .containsEntry("compression.type", "zstd")
                .containsEntry("bootstrap.servers", "k:9092")
                .doesNotContainKey("transaction.timeout.ms");
        assertThat(atLeastOnce.build()).isNotNull();

        var exactlyOnce =
                KafkaSinks.answers()
                        .setBootstrapServers("k:9092")
                        .setTopic("answers")
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix("gemrag-answers");
        assertThat(exactlyOnce.effectiveProperties())
                .containsEntry("transaction.timeout.ms", "900000");
        assertThat(exactlyOnce.setProperty("transaction.timeout.ms", "60000").effectiveProperties())
                .containsEntry("transaction.timeout.ms", "60000");
        assertThat(exactlyOnce.build()).isNotNull();
    }

    @Test
    void startingOffsetsParseFromConfigNames() {
        assertThat(StartingOffsets.parse("Committed-or-Latest"))
                .isEqualTo(StartingOffsets.COMMITTED_OR_LATEST);
        assertThat(StartingOffsets.parse("earliest")).isEqualTo(StartingOffsets.EARLIEST);
        assertThatThrownBy(() -> StartingOffsets.parse("first"))
                .hasMessage(
                        "unknown starting offsets 'first': use one of committed-or-earliest, committed-or-latest, earliest, latest");
    }
}
