package dev.gemrag.connectors.kafka;

import dev.gemrag.annotations.PublicApi;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiFunction;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * Builds a {@link KafkaSink} for answers or dead letters. Get one from {@link KafkaSinks}:
 *
 * <pre>{@code
 * KafkaSink<Answer> sink = KafkaSinks.answers()
 *         .setBootstrapServers("kafka:9092")
 *         .setTopic("answers")
 *         .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)   // default AT_LEAST_ONCE
 *         .setTransactionalIdPrefix("gemrag-answers")             // required for EXACTLY_ONCE
 *         .setProperties(Map.of("security.protocol", "SASL_SSL")) // any Kafka producer property
 *         .build();
 * }</pre>
 *
 * EXACTLY_ONCE needs checkpointing (records become visible to read_committed consumers when a
 * checkpoint completes). Unless 'transaction.timeout.ms' is given, it is set to 15 minutes, the
 * broker's default maximum (Flink's own default of one hour is refused by a default broker).
 */
@PublicApi
public final class RecordSinkBuilder<T> {
    static final String TRANSACTION_TIMEOUT = "transaction.timeout.ms";
    static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    private final String exampleTopic;

    /**
     * (topic, effective client properties) -> serializer: a serializer may depend on producer
     * limits.
     */
    private final BiFunction<String, Properties, KafkaRecordSerializationSchema<T>> serializer;

    private final ClientProperties properties = new ClientProperties();
    private String topic;
    private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.AT_LEAST_ONCE;
    private String transactionalIdPrefix;

    RecordSinkBuilder(
            String exampleTopic,
            BiFunction<String, Properties, KafkaRecordSerializationSchema<T>> serializer) {
        this.exampleTopic = exampleTopic;
        this.serializer = serializer;
    }

    /** "host:port[,host:port]"; overrides a 'bootstrap.servers' property. */
    public RecordSinkBuilder<T> setBootstrapServers(String bootstrapServers) {
        properties.setBootstrapServers(bootstrapServers);
        return this;
    }

    public RecordSinkBuilder<T> setTopic(String topic) {
        this.topic = topic;
        return this;
    }

    /** AT_LEAST_ONCE (default), EXACTLY_ONCE (Kafka transactions) or NONE. */
    public RecordSinkBuilder<T> setDeliveryGuarantee(DeliveryGuarantee deliveryGuarantee) {
        this.deliveryGuarantee = deliveryGuarantee;
        return this;
    }

    /**
     * Prefix of the Kafka transactional ids, unique per job and sink; required for EXACTLY_ONCE.
     */
    public RecordSinkBuilder<T> setTransactionalIdPrefix(String transactionalIdPrefix) {
        this.transactionalIdPrefix = transactionalIdPrefix;
        return this;
    }

    /** Any Kafka producer property (SASL, TLS, compression, ...), passed to the client as given. */
    public RecordSinkBuilder<T> setProperties(Map<?, ?> properties) {
        this.properties.putAll(properties);
        return this;
    }

    public RecordSinkBuilder<T> setProperty(String key, String value) {
        this.properties.put(key, value);
        return this;
    }

    public KafkaSink<T> build() {
        Properties props = effectiveProperties();
        var b =
                KafkaSink.<T>builder()
                        .setKafkaProducerConfig(props)
                        .setBootstrapServers(props.getProperty(ClientProperties.BOOTSTRAP_SERVERS))
                        .setRecordSerializer(serializer.apply(topic, props))
                        .setDeliveryGuarantee(deliveryGuarantee);
        if (transactionalIdPrefix != null) {
            b.setTransactionalIdPrefix(transactionalIdPrefix);
        }
        return b.build();
    }

    /** The client properties the sink is built with, after the sanity check. */
    Properties effectiveProperties() {
        sanityCheck();
        Properties props = properties.copy();
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
                && props.getProperty(TRANSACTION_TIMEOUT) == null) {
            props.setProperty(
                    TRANSACTION_TIMEOUT, String.valueOf(DEFAULT_TRANSACTION_TIMEOUT.toMillis()));
        }
        return props;
    }

    private void sanityCheck() {
        properties.checkBootstrapServers();
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException(
                    "no topic to write: call setTopic(\"" + exampleTopic + "\")");
        }
        if (deliveryGuarantee == null) {
            throw new IllegalArgumentException(
                    "delivery guarantee is null: call setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)");
        }
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
                && (transactionalIdPrefix == null || transactionalIdPrefix.isBlank())) {
            throw new IllegalArgumentException(
                    "EXACTLY_ONCE delivery needs a transactional id prefix: call"
                            + " setTransactionalIdPrefix(\"gemrag-"
                            + exampleTopic
                            + "\"), unique per job and sink");
        }
    }
}
