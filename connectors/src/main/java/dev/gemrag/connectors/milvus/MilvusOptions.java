package dev.gemrag.connectors.milvus;

import dev.gemrag.connectors.records.RetrievalMode;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Configuration keys of the Milvus sink, retriever and collection (YAML keys and CLI help reuse
 * these).
 */
public final class MilvusOptions {
    private MilvusOptions() {}

    /**
     * Copies into {@code to} those of {@code options} that are set in {@code from}; unset ones keep
     * their defaults.
     */
    static void copySet(ReadableConfig from, Configuration to, ConfigOption<?>... options) {
        for (ConfigOption<?> option : options) {
            copyOne(from, to, option);
        }
    }

    private static <T> void copyOne(ReadableConfig from, Configuration to, ConfigOption<T> option) {
        from.getOptional(option).ifPresent(v -> to.set(option, v));
    }

    // --- connection
    public static final ConfigOption<String> URI =
            ConfigOptions.key("milvus.uri")
                    .stringType()
                    .defaultValue("http://127.0.0.1:19530")
                    .withDescription("Milvus gRPC endpoint.");
    public static final ConfigOption<String> TOKEN =
            ConfigOptions.key("milvus.token")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Auth token ('user:password' or an API key); none for Milvus Lite.");
    public static final ConfigOption<String> DATABASE =
            ConfigOptions.key("milvus.database")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Database; the server's default database when unset.");

    public static final ConfigOption<Duration> REQUEST_TIMEOUT =
            ConfigOptions.key("milvus.request-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Deadline of each Milvus call (the client waits for an unreachable server up to this; "
                                    + "the sink then retries).");

    // --- collection
    public static final ConfigOption<String> ALIAS =
            ConfigOptions.key("milvus.alias")
                    .stringType()
                    .defaultValue("gemrag_chunks")
                    .withDescription(
                            "Alias readers search through; it points at the collection of the current model.");
    public static final ConfigOption<String> COLLECTION_PREFIX =
            ConfigOptions.key("milvus.collection.prefix")
                    .stringType()
                    .defaultValue("gemrag")
                    .withDescription(
                            "Collections are named <prefix>_<model id>_<hash>_d<dimension>.");
    public static final ConfigOption<VectorIndex> INDEX =
            ConfigOptions.key("milvus.index.type")
                    .enumType(VectorIndex.class)
                    .defaultValue(VectorIndex.HNSW)
                    .withDescription("Vector index type.");
    public static final ConfigOption<Integer> HNSW_M =
            ConfigOptions.key("milvus.index.hnsw.m")
                    .intType()
                    .defaultValue(16)
                    .withDescription("HNSW M (graph degree).");
    public static final ConfigOption<Integer> HNSW_EF_CONSTRUCTION =
            ConfigOptions.key("milvus.index.hnsw.ef-construction")
                    .intType()
                    .defaultValue(200)
                    .withDescription("HNSW efConstruction.");
    public static final ConfigOption<Boolean> FULL_TEXT =
            ConfigOptions.key("milvus.full-text")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "New collections get BM25 full-text search on the chunk text (retrieval modes hybrid and "
                                    + "sparse); false = the dense-only layout of earlier versions.");
    public static final ConfigOption<TextAnalyzer> TEXT_ANALYZER =
            ConfigOptions.key("milvus.text-analyzer")
                    .enumType(TextAnalyzer.class)
                    .defaultValue(TextAnalyzer.ENGLISH)
                    .withDescription(
                            "How new full-text collections analyse the chunk text and the questions for BM25. A "
                                    + "collection keeps the analyzer it was made with; another one means a new "
                                    + "collection (re-index).");
    public static final ConfigOption<Integer> DOC_ID_MAX_LENGTH =
            ConfigOptions.key("milvus.field.doc-id.max-length")
                    .intType()
                    .defaultValue(512)
                    .withDescription(
                            "Max document id length (UTF-8 bytes). Longer ids are rejected: an id cannot be cut.");
    public static final ConfigOption<Integer> TITLE_MAX_LENGTH =
            ConfigOptions.key("milvus.field.title.max-length")
                    .intType()
                    .defaultValue(1024)
                    .withDescription("Max title length (UTF-8 bytes).");
    public static final ConfigOption<Integer> TEXT_MAX_LENGTH =
            ConfigOptions.key("milvus.field.text.max-length")
                    .intType()
                    .defaultValue(16384)
                    .withDescription("Max chunk text length (UTF-8 bytes; Milvus allows 65535).");
    public static final ConfigOption<FieldOverflow> FIELD_OVERFLOW =
            ConfigOptions.key("milvus.field.overflow")
                    .enumType(FieldOverflow.class)
                    .defaultValue(FieldOverflow.TRUNCATE)
                    .withDescription("What to do with a title or text over its max length.");
    public static final ConfigOption<Integer> ACL_MAX_GROUPS =
            ConfigOptions.key("milvus.acl.max-groups")
                    .intType()
                    .defaultValue(64)
                    .withDescription(
                            "Max groups in a document acl or a question (more is rejected).");
    public static final ConfigOption<Integer> ACL_GROUP_MAX_LENGTH =
            ConfigOptions.key("milvus.acl.group.max-length")
                    .intType()
                    .defaultValue(256)
                    .withDescription(
                            "Max group name length (UTF-8 bytes); control characters are rejected.");

    // --- sink
    public static final ConfigOption<Integer> SINK_BATCH_ROWS =
            ConfigOptions.key("milvus.sink.batch.max-rows")
                    .intType()
                    .defaultValue(500)
                    .withDescription("Flush when this many chunk rows are buffered.");
    public static final ConfigOption<Duration> SINK_BATCH_INTERVAL =
            ConfigOptions.key("milvus.sink.batch.max-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription(
                            "Flush a non-empty buffer at the latest this long after its first action.");
    public static final ConfigOption<Integer> SINK_MAX_RETRIES =
            ConfigOptions.key("milvus.sink.retry.max-retries")
                    .intType()
                    .defaultValue(6)
                    .withDescription(
                            "Retries of a write that failed with a transient error before the job fails.");
    public static final ConfigOption<Duration> SINK_RETRY_INITIAL_BACKOFF =
            ConfigOptions.key("milvus.sink.retry.initial-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription("First retry delay; doubles on every retry.");
    public static final ConfigOption<Duration> SINK_RETRY_MAX_BACKOFF =
            ConfigOptions.key("milvus.sink.retry.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Upper bound of the retry delay.");

    // --- retriever
    public static final ConfigOption<EmptyAclPolicy> EMPTY_ACL =
            ConfigOptions.key("acl.no-acl-visibility")
                    .enumType(EmptyAclPolicy.class)
                    .defaultValue(EmptyAclPolicy.PRIVATE)
                    .withDescription(
                            "Who may read documents without an acl: private (no question) or public (every question).");
    public static final ConfigOption<Integer> SEARCH_EF =
            ConfigOptions.key("milvus.search.hnsw.ef")
                    .intType()
                    .defaultValue(64)
                    .withDescription("HNSW ef at search time (raised to top-k when smaller).");

    // --- retrieval (the retriever; a question's retrieval_mode overrides the mode)
    public static final ConfigOption<RetrievalMode> RETRIEVAL_MODE =
            ConfigOptions.key("retrieval.mode")
                    .enumType(RetrievalMode.class)
                    .defaultValue(RetrievalMode.HYBRID)
                    .withDescription(
                            "dense (embedding), sparse (BM25) or hybrid (both, fused); a collection without "
                                    + "full-text search serves dense.");
    public static final ConfigOption<FusionMethod> RETRIEVAL_FUSION =
            ConfigOptions.key("retrieval.fusion")
                    .enumType(FusionMethod.class)
                    .defaultValue(FusionMethod.WEIGHTED)
                    .withDescription(
                            "How hybrid merges the two candidate lists: weighted (normalised scores) or rrf.");
    public static final ConfigOption<Double> RETRIEVAL_DENSE_WEIGHT =
            ConfigOptions.key("retrieval.dense-weight")
                    .doubleType()
                    .defaultValue(0.5)
                    .withDescription(
                            "Weight of the dense leg in weighted fusion (BM25 gets 1 - w); tuned on man-dev, see "
                                    + "the README.");
    public static final ConfigOption<ScoreNormalization> RETRIEVAL_BM25_NORMALIZATION =
            ConfigOptions.key("retrieval.bm25-normalization")
                    .enumType(ScoreNormalization.class)
                    .defaultValue(ScoreNormalization.MIN_MAX)
                    .withDescription(
                            "How weighted fusion scales the BM25 leg: min-max (like the dense leg), or max (each score over the question's best: a list that matched only common words stays flat and leaves the order to the dense leg; see the README's run K), z-score or rank.");
    public static final ConfigOption<Integer> RETRIEVAL_RRF_K =
            ConfigOptions.key("retrieval.rrf-k")
                    .intType()
                    .defaultValue(60)
                    .withDescription("k of reciprocal rank fusion (1 / (k + rank)).");
    public static final ConfigOption<Integer> RETRIEVAL_CANDIDATES =
            ConfigOptions.key("retrieval.candidates")
                    .intType()
                    .defaultValue(50)
                    .withDescription(
                            "Candidates each leg of hybrid retrieval returns before fusion (at least top-k).");
}
