package dev.gemrag.connectors.kafka;

import dev.gemrag.annotations.PublicApi;
import dev.gemrag.connectors.records.json.RecordLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;

/**
 * Builds a {@link KafkaSource} that parses each record into {@code T} (a valid record or a dead
 * letter), committing the group's offsets on every checkpoint. Get one from {@link KafkaSources}:
 *
 * <pre>{@code
 * KafkaSource<ParsedDocument> source = KafkaSources.documents()
 *         .setBootstrapServers("kafka:9092")
 *         .setTopics("documents")
 *         .setGroupId("gemrag-index")
 *         .setStartingOffsets(StartingOffsets.COMMITTED_OR_EARLIEST)
 *         .setProperties(Map.of("security.protocol", "SASL_SSL"))   // any Kafka consumer property
 *         .build();
 * }</pre>
 */
@PublicApi
public final class RecordSourceBuilder<T> {
    private final String exampleTopic;
    private final String exampleGroup;
    private final Function<RecordLimits, KafkaRecordDeserializationSchema<T>> deserializer;
    private final ClientProperties properties = new ClientProperties();
    private final List<String> topics = new ArrayList<>();
    private String groupId;
    private StartingOffsets startingOffsets = StartingOffsets.COMMITTED_OR_EARLIEST;
    private boolean bounded;
    private RecordLimits limits = RecordLimits.defaults();

    RecordSourceBuilder(
            String exampleTopic,
            String exampleGroup,
            Function<RecordLimits, KafkaRecordDeserializationSchema<T>> deserializer) {
        this.exampleTopic = exampleTopic;
        this.exampleGroup = exampleGroup;
        this.deserializer = deserializer;
    }

    /** "host:port[,host:port]"; overrides a 'bootstrap.servers' property. */
    public RecordSourceBuilder<T> setBootstrapServers(String bootstrapServers) {
        properties.setBootstrapServers(bootstrapServers);
        return this;
    }

    public RecordSourceBuilder<T> setTopics(String... topics) {
        this.topics.clear();
        this.topics.addAll(java.util.Arrays.asList(topics)); // nulls are reported by build()
        return this;
    }

    /**
     * The consumer group; offsets are committed under it on checkpoints. Overrides a 'group.id'
     * property.
     */
    public RecordSourceBuilder<T> setGroupId(String groupId) {
        this.groupId = groupId;
        return this;
    }

    /**
     * Where to start without a checkpoint; default {@link StartingOffsets#COMMITTED_OR_EARLIEST}.
     */
    public RecordSourceBuilder<T> setStartingOffsets(StartingOffsets startingOffsets) {
        this.startingOffsets = startingOffsets;
        return this;
    }

    /**
     * true: stop at the latest offsets seen when the job starts (a bounded source: for the demo,
     * tests and one-off loads). Default false: run forever.
     */
    public RecordSourceBuilder<T> setBounded(boolean bounded) {
        this.bounded = bounded;
        return this;
    }

    /** Size limits for the records (default {@link RecordLimits#defaults()}). */
    public RecordSourceBuilder<T> setLimits(RecordLimits limits) {
        this.limits = limits;
        return this;
    }

    /** Any Kafka consumer property (SASL, TLS, fetch sizes, ...), passed to the client as given. */
    public RecordSourceBuilder<T> setProperties(Map<?, ?> properties) {
        this.properties.putAll(properties);
        return this;
    }

    public RecordSourceBuilder<T> setProperty(String key, String value) {
        this.properties.put(key, value);
        return this;
    }

    public KafkaSource<T> build() {
        Properties props = effectiveProperties();
        var b =
                KafkaSource.<T>builder()
                        .setProperties(props)
                        .setTopics(topics)
                        .setStartingOffsets(startingOffsets.toInitializer())
                        .setDeserializer(deserializer.apply(limits));
        if (bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /** The client properties the source is built with, after the sanity check. */
    Properties effectiveProperties() {
        sanityCheck();
        Properties props = properties.copy();
        props.setProperty("group.id", resolvedGroupId());
        props.setProperty(KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key(), "true");
        return props;
    }

    private String resolvedGroupId() {
        return groupId != null ? groupId : properties.get("group.id");
    }

    private void sanityCheck() {
        properties.checkBootstrapServers();
        if (topics.isEmpty() || topics.stream().anyMatch(t -> t == null || t.isBlank())) {
            throw new IllegalArgumentException(
                    "no topic to read (or an empty name): call setTopics(\""
                            + exampleTopic
                            + "\")");
        }
        String group = resolvedGroupId();
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException(
                    "no consumer group: call setGroupId(\""
                            + exampleGroup
                            + "\")"
                            + " or give the 'group.id' property; offsets are committed under it on checkpoints");
        }
        if (startingOffsets == null) {
            throw new IllegalArgumentException(
                    "starting offsets are null: call setStartingOffsets(StartingOffsets."
                            + StartingOffsets.COMMITTED_OR_EARLIEST.name()
                            + ")");
        }
        if (limits == null) {
            throw new IllegalArgumentException(
                    "record limits are null: call setLimits(RecordLimits.defaults())");
        }
    }
}
