package dev.gemrag.pipeline.config;

import dev.gemrag.connectors.milvus.EmptyAclPolicy;
import dev.gemrag.connectors.milvus.FieldOverflow;
import dev.gemrag.connectors.milvus.MilvusOptions;
import dev.gemrag.connectors.milvus.VectorIndex;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every setting of gemrag, typed and described, in one place. The YAML file, the GEMRAG_*
 * environment variables, the CLI's {@code --set key=value} and the README table all use these keys.
 */
public final class GemragOptions {
    private GemragOptions() {}

    /** Free-form Kafka client properties: {@code kafka.properties.security.protocol: SASL_SSL}. */
    public static final String KAFKA_PROPERTIES_PREFIX = "kafka.properties.";

    // --- job
    public static final ConfigOption<JobMode> JOB_MODE = ConfigOptions.key("job.mode")
            .enumType(JobMode.class).defaultValue(JobMode.BOTH)
            .withDescription("Which branches run: index, query or both (one job, one model per TaskManager).");
    public static final ConfigOption<String> JOB_NAME = ConfigOptions.key("job.name")
            .stringType().defaultValue("gemrag").withDescription("Flink job name.");
    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("parallelism")
            .intType().defaultValue(1).withDescription("Parallelism of every operator (match the Kafka partitions).");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("checkpoint.interval")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("Checkpoint interval; Kafka offsets and Milvus flushes follow checkpoints. 0 turns checkpointing off.");
    public static final ConfigOption<Duration> RESTART_MAX_DELAY = ConfigOptions.key("restart.max-delay")
            .durationType().defaultValue(Duration.ofMinutes(1))
            .withDescription("After a failure (Milvus or Kafka away) the job restarts by itself from its last checkpoint, "
                    + "1 s later, doubling the wait up to this; 0 = no restarts (a failure ends the job).");

    // --- kafka
    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS = ConfigOptions.key("kafka.bootstrap-servers")
            .stringType().defaultValue("localhost:9092").withDescription("Kafka bootstrap servers.");
    public static final ConfigOption<String> KAFKA_GROUP_ID = ConfigOptions.key("kafka.group-id")
            .stringType().defaultValue("gemrag").withDescription("Consumer group id (offsets are committed on checkpoints).");
    public static final ConfigOption<String> TOPIC_DOCUMENTS = ConfigOptions.key("topics.documents")
            .stringType().defaultValue("gemrag.documents").withDescription("Documents topic (key = document id).");
    public static final ConfigOption<String> TOPIC_QUESTIONS = ConfigOptions.key("topics.questions")
            .stringType().defaultValue("gemrag.questions").withDescription("Questions topic.");
    public static final ConfigOption<String> TOPIC_ANSWERS = ConfigOptions.key("topics.answers")
            .stringType().defaultValue("gemrag.answers").withDescription("Answers topic (key = question id).");
    public static final ConfigOption<String> TOPIC_DEAD_LETTERS = ConfigOptions.key("topics.dead-letters")
            .stringType().defaultValue("gemrag.dead-letters").withDescription("Dead-letter topic: bad records with the reason.");

    // --- milvus (the connector's own options, listed here so every key lives in one place)
    public static final ConfigOption<String> MILVUS_URI = MilvusOptions.URI;
    public static final ConfigOption<String> MILVUS_TOKEN = MilvusOptions.TOKEN;
    public static final ConfigOption<String> MILVUS_DATABASE = MilvusOptions.DATABASE;
    public static final ConfigOption<Duration> MILVUS_REQUEST_TIMEOUT = MilvusOptions.REQUEST_TIMEOUT;
    public static final ConfigOption<String> MILVUS_ALIAS = MilvusOptions.ALIAS;
    public static final ConfigOption<String> MILVUS_COLLECTION_PREFIX = MilvusOptions.COLLECTION_PREFIX;
    public static final ConfigOption<VectorIndex> MILVUS_INDEX = MilvusOptions.INDEX;
    public static final ConfigOption<Integer> MILVUS_HNSW_M = MilvusOptions.HNSW_M;
    public static final ConfigOption<Integer> MILVUS_HNSW_EF_CONSTRUCTION = MilvusOptions.HNSW_EF_CONSTRUCTION;
    public static final ConfigOption<Integer> MILVUS_SEARCH_EF = MilvusOptions.SEARCH_EF;
    public static final ConfigOption<Integer> MILVUS_DOC_ID_MAX_LENGTH = MilvusOptions.DOC_ID_MAX_LENGTH;
    public static final ConfigOption<Integer> MILVUS_TITLE_MAX_LENGTH = MilvusOptions.TITLE_MAX_LENGTH;
    public static final ConfigOption<Integer> MILVUS_TEXT_MAX_LENGTH = MilvusOptions.TEXT_MAX_LENGTH;
    public static final ConfigOption<FieldOverflow> MILVUS_FIELD_OVERFLOW = MilvusOptions.FIELD_OVERFLOW;
    public static final ConfigOption<Integer> MILVUS_ACL_MAX_GROUPS = MilvusOptions.ACL_MAX_GROUPS;
    public static final ConfigOption<Integer> MILVUS_ACL_GROUP_MAX_LENGTH = MilvusOptions.ACL_GROUP_MAX_LENGTH;
    public static final ConfigOption<Integer> MILVUS_SINK_BATCH_ROWS = MilvusOptions.SINK_BATCH_ROWS;
    public static final ConfigOption<Duration> MILVUS_SINK_BATCH_INTERVAL = MilvusOptions.SINK_BATCH_INTERVAL;
    public static final ConfigOption<Integer> MILVUS_SINK_MAX_RETRIES = MilvusOptions.SINK_MAX_RETRIES;
    public static final ConfigOption<Duration> MILVUS_SINK_RETRY_INITIAL_BACKOFF = MilvusOptions.SINK_RETRY_INITIAL_BACKOFF;
    public static final ConfigOption<Duration> MILVUS_SINK_RETRY_MAX_BACKOFF = MilvusOptions.SINK_RETRY_MAX_BACKOFF;
    public static final ConfigOption<Integer> MILVUS_SINK_PARALLELISM = ConfigOptions.key("milvus.sink.parallelism")
            .intType().defaultValue(1)
            .withDescription("Writers to Milvus; keep 1 for Milvus Lite (one writer per collection).");

    // --- model
    public static final ConfigOption<String> MODEL_PATH = ConfigOptions.key("model.path")
            .stringType().defaultValue("")
            .withDescription("GGUF file or Hugging Face directory; empty = the default SmolLM2-135M-Instruct (fetched and checksum-verified).");
    public static final ConfigOption<String> MODEL_ADAPTER = ConfigOptions.key("model.adapter")
            .stringType().defaultValue("")
            .withDescription("GEM adapter descriptor (.json); empty = the default adapter when present, 'none' = no adapter (mean pooling, a baseline).");
    public static final ConfigOption<Integer> MODEL_THREADS = ConfigOptions.key("model.threads")
            .intType().defaultValue(0)
            .withDescription("Intra-op threads of the model's worker; 0 = one per core.");

    // --- chunking and embedding
    public static final ConfigOption<Integer> CHUNK_SIZE = ConfigOptions.key("chunk.size")
            .intType().defaultValue(256).withDescription("Chunk size in model tokens.");
    public static final ConfigOption<Integer> CHUNK_OVERLAP = ConfigOptions.key("chunk.overlap")
            .intType().defaultValue(32).withDescription("Tokens repeated from the end of the previous chunk (whole sentences), at most chunk.size/2.");
    public static final ConfigOption<Integer> EMBED_BATCH_TOKENS = ConfigOptions.key("embed.batch-tokens")
            .intType().defaultValue(4096).withDescription("Token budget of one engine batch.");
    public static final ConfigOption<Duration> EMBED_MAX_WAIT = ConfigOptions.key("embed.max-wait")
            .durationType().defaultValue(Duration.ofMillis(5)).withDescription("How long the engine waits to fill a batch.");
    public static final ConfigOption<Integer> EMBED_MAX_INPUT_TOKENS = ConfigOptions.key("embed.max-input-tokens")
            .intType().defaultValue(512).withDescription("Longer embedding inputs are truncated (and counted in truncatedInputs).");
    public static final ConfigOption<Integer> EMBED_CAPACITY = ConfigOptions.key("embed.capacity")
            .intType().defaultValue(16).withDescription("Documents in flight per embed subtask (async capacity).");
    public static final ConfigOption<Duration> EMBED_TIMEOUT = ConfigOptions.key("embed.timeout")
            .durationType().defaultValue(Duration.ofMinutes(5)).withDescription("Time limit for embedding one document, retries included.");
    public static final ConfigOption<Integer> EMBED_RETRIES = ConfigOptions.key("embed.retries")
            .intType().defaultValue(3).withDescription("Retries (exponential back-off) of a failed embedding request.");

    // --- answering
    public static final ConfigOption<Integer> ANSWER_TOP_K = ConfigOptions.key("answer.top-k")
            .intType().defaultValue(3).withDescription("Chunks retrieved per question (a question's top_k overrides, up to 20).");
    public static final ConfigOption<Integer> ANSWER_MAX_TOKENS = ConfigOptions.key("answer.max-tokens")
            .intType().defaultValue(128).withDescription("Answer length limit (a question's max_tokens overrides, up to 1024).");
    public static final ConfigOption<Integer> ANSWER_CONTEXT_TOKENS = ConfigOptions.key("answer.context-tokens")
            .intType().defaultValue(768).withDescription("Token budget of the numbered sources in the prompt.");
    public static final ConfigOption<Integer> ANSWER_MAX_QUESTION_TOKENS = ConfigOptions.key("answer.max-question-tokens")
            .intType().defaultValue(256).withDescription("Longer questions go to the dead-letter topic.");
    public static final ConfigOption<Integer> ANSWER_CAPACITY = ConfigOptions.key("answer.capacity")
            .intType().defaultValue(8).withDescription("Questions in flight per answer subtask.");
    public static final ConfigOption<Duration> ANSWER_TIMEOUT = ConfigOptions.key("answer.timeout")
            .durationType().defaultValue(Duration.ofMinutes(2)).withDescription("Time limit for one answer, retries included.");

    // --- acl
    public static final ConfigOption<EmptyAclPolicy> ACL_NO_ACL_VISIBILITY = ConfigOptions.key("acl.no-acl-visibility")
            .enumType(EmptyAclPolicy.class).defaultValue(EmptyAclPolicy.PRIVATE)
            .withDescription("Who may read documents without an acl: private (no question) or public (every question).");

    /** All options, in declaration order. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> out = new ArrayList<>();
        for (Field f : GemragOptions.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
                try {
                    out.add((ConfigOption<?>) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    /** GEMRAG_ + the key in capitals with '.' and '-' as '_': chunk.size -> GEMRAG_CHUNK_SIZE. */
    public static String envName(String key) {
        return "GEMRAG_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
