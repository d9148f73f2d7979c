package dev.gemrag.connectors.kafka;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.util.Map;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;

import dev.gemrag.connectors.records.json.RecordLimits;

/**
 * The Kafka settings of a gemrag job as typed, described Flink options, and builders pre-filled from them.
 * Configuration files and command-line help should reuse these keys.
 *
 * <pre>{@code
 * Configuration conf = new Configuration();
 * conf.set(KafkaOptions.BOOTSTRAP_SERVERS, "kafka:9092");
 * conf.set(KafkaOptions.CLIENT_PROPERTIES, Map.of("security.protocol", "SASL_SSL"));
 * KafkaSource<ParsedDocument> source = KafkaOptions.documentsSource(conf).build();
 * }</pre>
 */
public final class KafkaOptions {
    public static final ConfigOption<String> BOOTSTRAP_SERVERS = key("kafka.bootstrap-servers").stringType()
            .noDefaultValue().withDescription("Kafka bootstrap servers, host:port[,host:port].");
    public static final ConfigOption<Map<String, String>> CLIENT_PROPERTIES = key("kafka.properties").mapType()
            .defaultValue(Map.of()).withDescription("Extra Kafka client properties (SASL, TLS, ...), passed to every"
                    + " consumer and producer unchanged and never logged.");
    public static final ConfigOption<String> DOCUMENTS_TOPIC = key("kafka.topics.documents").stringType()
            .defaultValue(KafkaTopics.DOCUMENTS).withDescription("Topic of the documents to index.");
    public static final ConfigOption<String> QUESTIONS_TOPIC = key("kafka.topics.questions").stringType()
            .defaultValue(KafkaTopics.QUESTIONS).withDescription("Topic of the questions to answer.");
    public static final ConfigOption<String> ANSWERS_TOPIC = key("kafka.topics.answers").stringType()
            .defaultValue(KafkaTopics.ANSWERS).withDescription("Topic the answers are written to.");
    public static final ConfigOption<String> DEAD_LETTERS_TOPIC = key("kafka.topics.dead-letters").stringType()
            .defaultValue(KafkaTopics.DEAD_LETTERS).withDescription("Topic the rejected records are written to.");
    public static final ConfigOption<String> INDEX_GROUP_ID = key("kafka.group-id.index").stringType()
            .defaultValue("gemrag-index").withDescription("Consumer group of the documents source.");
    public static final ConfigOption<String> QUERY_GROUP_ID = key("kafka.group-id.query").stringType()
            .defaultValue("gemrag-query").withDescription("Consumer group of the questions source.");
    public static final ConfigOption<String> STARTING_OFFSETS = key("kafka.starting-offsets").stringType()
            .defaultValue(StartingOffsets.COMMITTED_OR_EARLIEST.configValue()).withDescription(
                    "Where sources start without a checkpoint: committed-or-earliest, committed-or-latest,"
                            + " earliest or latest.");
    public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE = key("kafka.delivery-guarantee")
            .enumType(DeliveryGuarantee.class).defaultValue(DeliveryGuarantee.AT_LEAST_ONCE)
            .withDescription("Delivery of answers and dead letters: at-least-once, exactly-once (needs checkpointing)"
                    + " or none.");
    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = key("kafka.transactional-id-prefix").stringType()
            .defaultValue("gemrag").withDescription("With EXACTLY_ONCE: prefix of the transactional ids, unique per job;"
                    + " the answers sink adds \"-answers\", the dead-letter sink \"-dead-letters\".");

    private static final RecordLimits D = RecordLimits.defaults();

    public static final ConfigOption<Integer> MAX_ID_BYTES = option("max-id-bytes", D.maxIdBytes(),
            "Longest document or question id, in UTF-8 bytes.");
    public static final ConfigOption<Integer> MAX_TITLE_BYTES = option("max-title-bytes", D.maxTitleBytes(),
            "Longest document title, in UTF-8 bytes.");
    public static final ConfigOption<Integer> MAX_URL_BYTES = option("max-url-bytes", D.maxUrlBytes(),
            "Longest document url, in UTF-8 bytes.");
    public static final ConfigOption<Integer> MAX_TEXT_BYTES = option("max-text-bytes", D.maxTextBytes(),
            "Longest document text, in UTF-8 bytes.");
    public static final ConfigOption<Integer> MAX_GROUPS = option("max-groups", D.maxGroups(),
            "Most entries in a document acl or a question's groups.");
    public static final ConfigOption<Integer> MAX_GROUP_BYTES = option("max-group-bytes", D.maxGroupBytes(),
            "Longest group name, in UTF-8 bytes.");
    public static final ConfigOption<Integer> MAX_METADATA_BYTES = option("max-metadata-bytes", D.maxMetadataBytes(),
            "Largest document metadata, as compact JSON in UTF-8 bytes.");
    public static final ConfigOption<Integer> MAX_QUESTION_BYTES = option("max-question-bytes", D.maxQuestionBytes(),
            "Longest question, in UTF-8 bytes.");
    public static final ConfigOption<Integer> MAX_TOP_K = option("max-top-k", D.maxTopK(),
            "Largest top_k a question may ask for.");
    public static final ConfigOption<Integer> MAX_MAX_TOKENS = option("max-max-tokens", D.maxMaxTokens(),
            "Largest max_tokens a question may ask for.");

    private KafkaOptions() {}

    public static RecordLimits limits(ReadableConfig c) {
        return new RecordLimits(c.get(MAX_ID_BYTES), c.get(MAX_TITLE_BYTES), c.get(MAX_URL_BYTES),
                c.get(MAX_TEXT_BYTES), c.get(MAX_GROUPS), c.get(MAX_GROUP_BYTES), c.get(MAX_METADATA_BYTES),
                c.get(MAX_QUESTION_BYTES), c.get(MAX_TOP_K), c.get(MAX_MAX_TOKENS));
    }

    /** The documents source, filled from the configuration; setters may still change it. */
    public static RecordSourceBuilder<ParsedDocument> documentsSource(ReadableConfig c) {
        return fill(KafkaSources.documents(), c).setTopics(c.get(DOCUMENTS_TOPIC)).setGroupId(c.get(INDEX_GROUP_ID));
    }

    public static RecordSourceBuilder<ParsedQuestion> questionsSource(ReadableConfig c) {
        return fill(KafkaSources.questions(), c).setTopics(c.get(QUESTIONS_TOPIC)).setGroupId(c.get(QUERY_GROUP_ID));
    }

    public static RecordSinkBuilder<dev.gemrag.connectors.records.Answer> answersSink(ReadableConfig c) {
        return fill(KafkaSinks.answers(), c, "-answers").setTopic(c.get(ANSWERS_TOPIC));
    }

    public static RecordSinkBuilder<dev.gemrag.connectors.records.DeadLetter> deadLettersSink(ReadableConfig c) {
        return fill(KafkaSinks.deadLetters(), c, "-dead-letters").setTopic(c.get(DEAD_LETTERS_TOPIC));
    }

    private static ConfigOption<Integer> option(String name, int defaultValue, String description) {
        return key("records." + name).intType().defaultValue(defaultValue).withDescription(description);
    }

    private static <T> RecordSourceBuilder<T> fill(RecordSourceBuilder<T> b, ReadableConfig c) {
        b.setProperties(c.get(CLIENT_PROPERTIES))
                .setStartingOffsets(StartingOffsets.parse(c.get(STARTING_OFFSETS)))
                .setLimits(limits(c));
        c.getOptional(BOOTSTRAP_SERVERS).ifPresent(b::setBootstrapServers);
        return b;
    }

    private static <T> RecordSinkBuilder<T> fill(RecordSinkBuilder<T> b, ReadableConfig c, String suffix) {
        b.setProperties(c.get(CLIENT_PROPERTIES)).setDeliveryGuarantee(c.get(DELIVERY_GUARANTEE))
                .setTransactionalIdPrefix(c.get(TRANSACTIONAL_ID_PREFIX) + suffix);
        c.getOptional(BOOTSTRAP_SERVERS).ifPresent(b::setBootstrapServers);
        return b;
    }
}
