package dev.gemrag.pipeline.config;

import dev.gemrag.annotations.PublicApi;
import dev.gemrag.connectors.kafka.StartingOffsets;
import dev.gemrag.connectors.milvus.EmptyAclPolicy;
import dev.gemrag.connectors.milvus.FieldOverflow;
import dev.gemrag.connectors.milvus.FusionMethod;
import dev.gemrag.connectors.milvus.MilvusOptions;
import dev.gemrag.connectors.milvus.ScoreNormalization;
import dev.gemrag.connectors.milvus.TextAnalyzer;
import dev.gemrag.connectors.milvus.VectorIndex;
import dev.gemrag.connectors.records.AnswerFrame;
import dev.gemrag.connectors.records.RerankMode;
import dev.gemrag.connectors.records.RetrievalMode;
import dev.gemrag.connectors.records.json.RecordLimits;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Every setting of gemrag, typed and described, in one place. The YAML file, the GEMRAG_*
 * environment variables, the CLI's {@code --set key=value} and the README table all use these keys.
 */
@PublicApi
public final class GemragOptions {
    private GemragOptions() {}

    /** Inclusive bounds of an integer option; options without an entry must be at least 1. */
    public record Bounds(int min, int max) {}

    // Filled by bounded(...) while the option fields below initialise, so it is declared before
    // them.
    private static final Map<String, Bounds> BOUNDS = new HashMap<>();

    private static <T> ConfigOption<T> bounded(ConfigOption<T> option, int min, int max) {
        BOUNDS.put(option.key(), new Bounds(min, max));
        return option;
    }

    /**
     * The allowed range of an integer option (at least 1, no upper bound, unless declared
     * otherwise).
     */
    public static Bounds bounds(ConfigOption<?> option) {
        return BOUNDS.getOrDefault(option.key(), new Bounds(1, Integer.MAX_VALUE));
    }

    /** Free-form Kafka client properties: {@code kafka.properties.security.protocol: SASL_SSL}. */
    public static final String KAFKA_PROPERTIES_PREFIX = "kafka.properties.";

    // --- job
    public static final ConfigOption<JobMode> JOB_MODE =
            ConfigOptions.key("job.mode")
                    .enumType(JobMode.class)
                    .defaultValue(JobMode.BOTH)
                    .withDescription(
                            "Which branches run: index, query or both (one job, one model per TaskManager).");
    public static final ConfigOption<String> JOB_NAME =
            ConfigOptions.key("job.name")
                    .stringType()
                    .defaultValue("gemrag")
                    .withDescription("Flink job name.");
    public static final ConfigOption<Integer> PARALLELISM =
            ConfigOptions.key("parallelism")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Parallelism of every operator (match the Kafka partitions).");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Checkpoint interval; Kafka offsets and Milvus flushes follow checkpoints. 0 turns checkpointing off.");
    public static final ConfigOption<Duration> RESTART_MAX_DELAY =
            ConfigOptions.key("restart.max-delay")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "After a failure (Milvus or Kafka away) the job restarts by itself from its last checkpoint, "
                                    + "1 s later, doubling the wait up to this; 0 = no restarts (a failure ends the job).");

    // --- kafka
    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription("Kafka bootstrap servers.");
    public static final ConfigOption<String> KAFKA_GROUP_ID =
            ConfigOptions.key("kafka.group-id")
                    .stringType()
                    .defaultValue("gemrag")
                    .withDescription(
                            "Consumer group id prefix: the documents source uses <id>-index, the questions source <id>-query (offsets are committed on checkpoints).");
    public static final ConfigOption<String> KAFKA_STARTING_OFFSETS =
            ConfigOptions.key("kafka.starting-offsets")
                    .stringType()
                    .defaultValue(StartingOffsets.COMMITTED_OR_EARLIEST.configValue())
                    .withDescription(
                            "Where the sources start without a checkpoint: committed-or-earliest, committed-or-latest, earliest or latest.");
    public static final ConfigOption<DeliveryGuarantee> KAFKA_DELIVERY_GUARANTEE =
            ConfigOptions.key("kafka.delivery-guarantee")
                    .enumType(DeliveryGuarantee.class)
                    .defaultValue(DeliveryGuarantee.AT_LEAST_ONCE)
                    .withDescription(
                            "Delivery of answers and dead letters: at-least-once, exactly-once (Kafka transactions committed on checkpoints; needs checkpointing, readers use read_committed) or none.");
    public static final ConfigOption<String> KAFKA_TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("gemrag")
                    .withDescription(
                            "With exactly-once: prefix of the transactional ids, unique per job on a cluster; the answers sink adds -answers, the dead-letter sink -dead-letters.");
    public static final ConfigOption<String> TOPIC_DOCUMENTS =
            ConfigOptions.key("topics.documents")
                    .stringType()
                    .defaultValue("gemrag.documents")
                    .withDescription("Documents topic (key = document id).");
    public static final ConfigOption<String> TOPIC_QUESTIONS =
            ConfigOptions.key("topics.questions")
                    .stringType()
                    .defaultValue("gemrag.questions")
                    .withDescription("Questions topic.");
    public static final ConfigOption<String> TOPIC_ANSWERS =
            ConfigOptions.key("topics.answers")
                    .stringType()
                    .defaultValue("gemrag.answers")
                    .withDescription("Answers topic (key = question id).");
    public static final ConfigOption<String> TOPIC_DEAD_LETTERS =
            ConfigOptions.key("topics.dead-letters")
                    .stringType()
                    .defaultValue("gemrag.dead-letters")
                    .withDescription("Dead-letter topic: bad records with the reason.");

    // --- record limits (UTF-8 bytes, like Milvus VarChar); larger records go to the dead-letter
    // topic
    private static final RecordLimits LIMITS = RecordLimits.defaults();
    public static final ConfigOption<Integer> RECORDS_MAX_ID_BYTES =
            ConfigOptions.key("records.max-id-bytes")
                    .intType()
                    .defaultValue(LIMITS.maxIdBytes())
                    .withDescription("Longest document or question id, in UTF-8 bytes.");
    public static final ConfigOption<Integer> RECORDS_MAX_TITLE_BYTES =
            ConfigOptions.key("records.max-title-bytes")
                    .intType()
                    .defaultValue(LIMITS.maxTitleBytes())
                    .withDescription("Longest document title, in UTF-8 bytes.");
    public static final ConfigOption<Integer> RECORDS_MAX_URL_BYTES =
            ConfigOptions.key("records.max-url-bytes")
                    .intType()
                    .defaultValue(LIMITS.maxUrlBytes())
                    .withDescription("Longest document url, in UTF-8 bytes.");
    public static final ConfigOption<Integer> RECORDS_MAX_TEXT_BYTES =
            ConfigOptions.key("records.max-text-bytes")
                    .intType()
                    .defaultValue(LIMITS.maxTextBytes())
                    .withDescription("Longest document text, in UTF-8 bytes.");
    public static final ConfigOption<Integer> RECORDS_MAX_METADATA_BYTES =
            ConfigOptions.key("records.max-metadata-bytes")
                    .intType()
                    .defaultValue(LIMITS.maxMetadataBytes())
                    .withDescription("Largest document metadata, as compact JSON in UTF-8 bytes.");
    public static final ConfigOption<Integer> RECORDS_MAX_QUESTION_BYTES =
            ConfigOptions.key("records.max-question-bytes")
                    .intType()
                    .defaultValue(LIMITS.maxQuestionBytes())
                    .withDescription("Longest question, in UTF-8 bytes.");

    // --- milvus (the connector's own options, listed here so every key lives in one place)
    public static final ConfigOption<String> MILVUS_URI = MilvusOptions.URI;
    public static final ConfigOption<String> MILVUS_TOKEN = MilvusOptions.TOKEN;
    public static final ConfigOption<String> MILVUS_DATABASE = MilvusOptions.DATABASE;
    public static final ConfigOption<Duration> MILVUS_REQUEST_TIMEOUT =
            MilvusOptions.REQUEST_TIMEOUT;
    public static final ConfigOption<String> MILVUS_ALIAS = MilvusOptions.ALIAS;
    public static final ConfigOption<String> MILVUS_COLLECTION_PREFIX =
            MilvusOptions.COLLECTION_PREFIX;
    public static final ConfigOption<VectorIndex> MILVUS_INDEX = MilvusOptions.INDEX;
    public static final ConfigOption<Integer> MILVUS_HNSW_M = MilvusOptions.HNSW_M;
    public static final ConfigOption<Integer> MILVUS_HNSW_EF_CONSTRUCTION =
            MilvusOptions.HNSW_EF_CONSTRUCTION;
    public static final ConfigOption<Boolean> MILVUS_FULL_TEXT = MilvusOptions.FULL_TEXT;
    public static final ConfigOption<TextAnalyzer> MILVUS_TEXT_ANALYZER =
            MilvusOptions.TEXT_ANALYZER;
    public static final ConfigOption<Integer> MILVUS_SEARCH_EF = MilvusOptions.SEARCH_EF;
    public static final ConfigOption<Integer> MILVUS_DOC_ID_MAX_LENGTH =
            MilvusOptions.DOC_ID_MAX_LENGTH;
    public static final ConfigOption<Integer> MILVUS_TITLE_MAX_LENGTH =
            MilvusOptions.TITLE_MAX_LENGTH;
    public static final ConfigOption<Integer> MILVUS_TEXT_MAX_LENGTH =
            MilvusOptions.TEXT_MAX_LENGTH;
    public static final ConfigOption<FieldOverflow> MILVUS_FIELD_OVERFLOW =
            MilvusOptions.FIELD_OVERFLOW;
    public static final ConfigOption<Integer> MILVUS_ACL_MAX_GROUPS = MilvusOptions.ACL_MAX_GROUPS;
    public static final ConfigOption<Integer> MILVUS_ACL_GROUP_MAX_LENGTH =
            MilvusOptions.ACL_GROUP_MAX_LENGTH;
    public static final ConfigOption<Integer> MILVUS_SINK_BATCH_ROWS =
            MilvusOptions.SINK_BATCH_ROWS;
    public static final ConfigOption<Duration> MILVUS_SINK_BATCH_INTERVAL =
            MilvusOptions.SINK_BATCH_INTERVAL;
    public static final ConfigOption<Integer> MILVUS_SINK_MAX_RETRIES =
            bounded(MilvusOptions.SINK_MAX_RETRIES, 0, Integer.MAX_VALUE);
    public static final ConfigOption<Duration> MILVUS_SINK_RETRY_INITIAL_BACKOFF =
            MilvusOptions.SINK_RETRY_INITIAL_BACKOFF;
    public static final ConfigOption<Duration> MILVUS_SINK_RETRY_MAX_BACKOFF =
            MilvusOptions.SINK_RETRY_MAX_BACKOFF;
    public static final ConfigOption<Integer> MILVUS_SINK_PARALLELISM =
            ConfigOptions.key("milvus.sink.parallelism")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "Writers to Milvus; keep 1 for Milvus Lite (one writer per collection).");

    // --- model
    public static final ConfigOption<String> MODEL_PATH =
            ConfigOptions.key("model.path")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "GGUF file or Hugging Face directory; empty = the default SmolLM2-135M-Instruct (fetched and checksum-verified).");
    public static final ConfigOption<String> MODEL_ADAPTER =
            ConfigOptions.key("model.adapter")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "GEM adapter descriptor (.json); empty = the default adapter when present, 'none' = no adapter (mean pooling, a baseline).");
    public static final ConfigOption<Integer> MODEL_THREADS =
            bounded(
                    ConfigOptions.key("model.threads")
                            .intType()
                            .defaultValue(0)
                            .withDescription(
                                    "Intra-op threads of the model's worker; 0 = one per core."),
                    0,
                    4096);

    // --- chunking and embedding
    public static final ConfigOption<Integer> CHUNK_SIZE =
            ConfigOptions.key("chunk.size")
                    .intType()
                    .defaultValue(256)
                    .withDescription("Chunk size in model tokens.");
    public static final ConfigOption<Integer> CHUNK_OVERLAP =
            bounded(
                    ConfigOptions.key("chunk.overlap")
                            .intType()
                            .defaultValue(32)
                            .withDescription(
                                    "Tokens repeated from the end of the previous chunk (whole sentences), at most chunk.size/2."),
                    0,
                    Integer.MAX_VALUE);
    public static final ConfigOption<Integer> EMBED_BATCH_TOKENS =
            ConfigOptions.key("embed.batch-tokens")
                    .intType()
                    .defaultValue(4096)
                    .withDescription("Token budget of one engine batch.");
    public static final ConfigOption<Duration> EMBED_MAX_WAIT =
            ConfigOptions.key("embed.max-wait")
                    .durationType()
                    .defaultValue(Duration.ofMillis(5))
                    .withDescription("How long the engine waits to fill a batch.");
    public static final ConfigOption<Integer> EMBED_MAX_INPUT_TOKENS =
            bounded(
                    ConfigOptions.key("embed.max-input-tokens")
                            .intType()
                            .defaultValue(512)
                            .withDescription(
                                    "Token limit of one embedding input (instruction and summary tokens included): the model cuts longer chunks and questions to it (counted in truncatedInputs)."),
                    8,
                    8192);
    public static final ConfigOption<Integer> EMBED_CAPACITY =
            ConfigOptions.key("embed.capacity")
                    .intType()
                    .defaultValue(16)
                    .withDescription("Documents in flight per embed subtask (async capacity).");
    public static final ConfigOption<Duration> EMBED_TIMEOUT =
            ConfigOptions.key("embed.timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription("Time limit for embedding one document, retries included.");
    public static final ConfigOption<Integer> EMBED_RETRIES =
            bounded(
                    ConfigOptions.key("embed.retries")
                            .intType()
                            .defaultValue(3)
                            .withDescription(
                                    "Retries (exponential back-off) of a failed embedding request."),
                    0,
                    Integer.MAX_VALUE);

    // --- answering
    public static final ConfigOption<Integer> ANSWER_TOP_K =
            bounded(
                    ConfigOptions.key("answer.top-k")
                            .intType()
                            .defaultValue(3)
                            .withDescription(
                                    "Chunks retrieved per question (a question's top_k overrides, up to "
                                            + RecordLimits.MAX_TOP_K
                                            + ")."),
                    1,
                    RecordLimits.MAX_TOP_K);
    public static final ConfigOption<Integer> ANSWER_MAX_TOKENS =
            bounded(
                    ConfigOptions.key("answer.max-tokens")
                            .intType()
                            .defaultValue(128)
                            .withDescription(
                                    "Answer length limit (a question's max_tokens overrides, up to "
                                            + RecordLimits.MAX_MAX_TOKENS
                                            + ")."),
                    1,
                    RecordLimits.MAX_MAX_TOKENS);
    public static final ConfigOption<Integer> ANSWER_CONTEXT_TOKENS =
            ConfigOptions.key("answer.context-tokens")
                    .intType()
                    .defaultValue(768)
                    .withDescription("Token budget of the numbered sources in the prompt.");
    public static final ConfigOption<Integer> ANSWER_MAX_QUESTION_TOKENS =
            ConfigOptions.key("answer.max-question-tokens")
                    .intType()
                    .defaultValue(256)
                    .withDescription("Longer questions go to the dead-letter topic.");
    public static final ConfigOption<Integer> ANSWER_CAPACITY =
            ConfigOptions.key("answer.capacity")
                    .intType()
                    .defaultValue(8)
                    .withDescription("Questions in flight per answer subtask.");
    public static final ConfigOption<Duration> ANSWER_TIMEOUT =
            ConfigOptions.key("answer.timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(2))
                    .withDescription("Time limit for one answer, retries included.");

    // --- answer sampling (defaults chosen on `gemrag eval-answers`, see the README)
    public static final ConfigOption<Float> ANSWER_TEMPERATURE =
            ConfigOptions.key("answer.temperature")
                    .floatType()
                    .defaultValue(0f)
                    .withDescription(
                            "Sampling temperature, 0 = greedy (a question's temperature overrides, 0..5).");
    public static final ConfigOption<Float> ANSWER_TOP_P =
            ConfigOptions.key("answer.top-p")
                    .floatType()
                    .defaultValue(1f)
                    .withDescription(
                            "Nucleus mass in (0, 1]; 1 = off (a question's top_p overrides).");
    public static final ConfigOption<Integer> ANSWER_SAMPLING_TOP_K =
            bounded(
                    ConfigOptions.key("answer.sampling-top-k")
                            .intType()
                            .defaultValue(0)
                            .withDescription(
                                    "Draw only among the k most likely tokens; 0 = off (not answer.top-k, which counts retrieved chunks)."),
                    0,
                    Integer.MAX_VALUE);
    public static final ConfigOption<Float> ANSWER_MIN_P =
            ConfigOptions.key("answer.min-p")
                    .floatType()
                    .defaultValue(0f)
                    .withDescription(
                            "Drop tokens less likely than min-p x the most likely one, in [0, 1); 0 = off (a question's min_p overrides).");
    public static final ConfigOption<Long> ANSWER_SEED =
            ConfigOptions.key("answer.seed")
                    .longType()
                    .defaultValue(0L)
                    .withDescription(
                            "Sampling seed: the same question and settings give the same answer (a question's seed overrides).");
    public static final ConfigOption<Float> ANSWER_REPETITION_PENALTY =
            ConfigOptions.key("answer.repetition-penalty")
                    .floatType()
                    .defaultValue(1.3f)
                    .withDescription(
                            "Logits of tokens already generated (in the window) are divided by it when positive, multiplied when negative; 1 = off, (0, 10] (a question's repetition_penalty overrides).");
    public static final ConfigOption<Float> ANSWER_FREQUENCY_PENALTY =
            ConfigOptions.key("answer.frequency-penalty")
                    .floatType()
                    .defaultValue(0f)
                    .withDescription(
                            "Subtracted from a generated token's logit once per occurrence in the window, [-2, 2]; 0 = off (a question's frequency_penalty overrides).");
    public static final ConfigOption<Float> ANSWER_PRESENCE_PENALTY =
            ConfigOptions.key("answer.presence-penalty")
                    .floatType()
                    .defaultValue(0f)
                    .withDescription(
                            "Subtracted from the logit of any token generated in the window, [-2, 2]; 0 = off (a question's presence_penalty overrides).");
    public static final ConfigOption<Integer> ANSWER_PENALTY_WINDOW =
            bounded(
                    ConfigOptions.key("answer.penalty-window")
                            .intType()
                            .defaultValue(64)
                            .withDescription(
                                    "The last N generated tokens (never the prompt) the repetition, frequency and presence penalties look at; 0 = all."),
                    0,
                    Integer.MAX_VALUE);
    public static final ConfigOption<Integer> ANSWER_NO_REPEAT_NGRAM =
            bounded(
                    ConfigOptions.key("answer.no-repeat-ngram")
                            .intType()
                            .defaultValue(0)
                            .withDescription(
                                    "Ban a token that would repeat an n-gram of this size already generated; 0 = off, up to 16 (a question's no_repeat_ngram overrides)."),
                    0,
                    16);
    public static final ConfigOption<Float> ANSWER_DRY_MULTIPLIER =
            ConfigOptions.key("answer.dry-multiplier")
                    .floatType()
                    .defaultValue(0.8f)
                    .withDescription(
                            "DRY sequence penalty: a token extending a repeat of L (at least allowed-length) tokens loses multiplier x base^(L - allowed-length) from its logit; 0 = off (a question's dry_multiplier overrides).");
    public static final ConfigOption<Float> ANSWER_DRY_BASE =
            ConfigOptions.key("answer.dry-base")
                    .floatType()
                    .defaultValue(1.75f)
                    .withDescription("DRY growth per extra repeated token, at least 1.");
    public static final ConfigOption<Integer> ANSWER_DRY_ALLOWED_LENGTH =
            ConfigOptions.key("answer.dry-allowed-length")
                    .intType()
                    .defaultValue(2)
                    .withDescription("DRY: repeats up to this many tokens are free, at least 1.");

    public static final ConfigOption<dev.gemrag.operators.answer.PromptLayout>
            ANSWER_PROMPT_LAYOUT =
                    ConfigOptions.key("answer.prompt-layout")
                            .enumType(dev.gemrag.operators.answer.PromptLayout.class)
                            .defaultValue(dev.gemrag.operators.answer.PromptLayout.SYSTEM)
                            .withDescription(
                                    "Where the grounding instruction goes: system (the system turn), user_first or user_last (in the user turn, before the sources or after the question).");

    public static final ConfigOption<dev.gemrag.operators.answer.TitlePlacement>
            ANSWER_PROMPT_TITLE =
                    ConfigOptions.key("answer.prompt-title")
                            .enumType(dev.gemrag.operators.answer.TitlePlacement.class)
                            .defaultValue(dev.gemrag.operators.answer.TitlePlacement.LINE)
                            .withDescription(
                                    "Where a source's title goes: line ('[1] Title' above its text) or inline ('[1] Title: text').");

    public static final ConfigOption<AnswerFrame> ANSWER_FRAME =
            ConfigOptions.key("answer.frame")
                    .enumType(AnswerFrame.class)
                    .defaultValue(AnswerFrame.ACCORDING_TO)
                    .withDescription(
                            "How the reply is primed: none, title ('[1] <first source's title>:') or according_to ('According to <title> [1],'); the answer starts with it (a question's answer_frame overrides).");

    public static final ConfigOption<Integer> ANSWER_CODE_EXTRA_TOKENS =
            bounded(
                    ConfigOptions.key("answer.code-extra-tokens")
                            .intType()
                            .defaultValue(24)
                            .withDescription(
                                    "Tokens an answer may run past its max-tokens when the budget ran out inside a fenced code block, or right after announcing one ('... the following command:'); 0 = off."),
                    0,
                    RecordLimits.MAX_MAX_TOKENS);
    // --- retrieval (connector options: the Milvus retriever reads them)
    public static final ConfigOption<RetrievalMode> RETRIEVAL_MODE = MilvusOptions.RETRIEVAL_MODE;
    public static final ConfigOption<FusionMethod> RETRIEVAL_FUSION =
            MilvusOptions.RETRIEVAL_FUSION;
    public static final ConfigOption<Double> RETRIEVAL_DENSE_WEIGHT =
            MilvusOptions.RETRIEVAL_DENSE_WEIGHT;
    public static final ConfigOption<ScoreNormalization> RETRIEVAL_BM25_NORMALIZATION =
            MilvusOptions.RETRIEVAL_BM25_NORMALIZATION;
    public static final ConfigOption<Integer> RETRIEVAL_RRF_K = MilvusOptions.RETRIEVAL_RRF_K;
    public static final ConfigOption<Integer> RETRIEVAL_CANDIDATES =
            bounded(
                    MilvusOptions.RETRIEVAL_CANDIDATES,
                    1,
                    dev.gemrag.connectors.milvus.MilvusRetriever.MAX_CANDIDATES);
    public static final ConfigOption<RerankMode> RETRIEVAL_RERANK =
            ConfigOptions.key("retrieval.rerank")
                    .enumType(RerankMode.class)
                    .defaultValue(RerankMode.AUTO)
                    .withDescription(
                            "off (the retriever's order), llm (the answering model re-orders the top retrieval.rerank-candidates chunks by the likelihood of the question after each, blended with their retrieval score by retrieval.rerank-weight) or auto (llm, skipped when the retriever's first document leads by retrieval.rerank-skip-margin); a question's rerank overrides.");
    public static final ConfigOption<Double> RETRIEVAL_RERANK_SKIP_MARGIN =
            ConfigOptions.key("retrieval.rerank-skip-margin")
                    .doubleType()
                    .defaultValue(0.15)
                    .withDescription(
                            "rerank auto: skip the reranker when the first retrieved document's score exceeds the next document's by at least this (fused hybrid scores are in [0, 1]; 2 = never skip).");
    public static final ConfigOption<Double> RETRIEVAL_RERANK_WEIGHT =
            ConfigOptions.key("retrieval.rerank-weight")
                    .doubleType()
                    .defaultValue(0.5)
                    .withDescription(
                            "The reranker's share in ordering the candidates: each is scored (1 - w) x its retrieval score + w x the question's likelihood, both min-max scaled over the candidates (1 = likelihood alone, 0 = the retriever's order).");
    public static final ConfigOption<Integer> RETRIEVAL_RERANK_CANDIDATES =
            bounded(
                    ConfigOptions.key("retrieval.rerank-candidates")
                            .intType()
                            .defaultValue(8)
                            .withDescription(
                                    "Chunks the llm reranker scores (the best answer.top-k go into the prompt)."),
                    1,
                    RecordLimits.MAX_TOP_K);
    public static final ConfigOption<Integer> RETRIEVAL_RERANK_CHUNK_TOKENS =
            bounded(
                    ConfigOptions.key("retrieval.rerank-chunk-tokens")
                            .intType()
                            .defaultValue(128)
                            .withDescription(
                                    "Tokens of each candidate's text the llm reranker reads (its cost grows with candidates x tokens)."),
                    8,
                    4096);

    // --- acl
    public static final ConfigOption<EmptyAclPolicy> ACL_NO_ACL_VISIBILITY =
            MilvusOptions.EMPTY_ACL;

    /**
     * The record limits the sources check. Groups: the same milvus.acl.* limits the sink and the
     * retriever check; top_k and max_tokens: the fixed contract of RecordLimits.
     */
    public static RecordLimits recordLimits(org.apache.flink.configuration.ReadableConfig c) {
        return new RecordLimits(
                c.get(RECORDS_MAX_ID_BYTES),
                c.get(RECORDS_MAX_TITLE_BYTES),
                c.get(RECORDS_MAX_URL_BYTES),
                c.get(RECORDS_MAX_TEXT_BYTES),
                c.get(MILVUS_ACL_MAX_GROUPS),
                c.get(MILVUS_ACL_GROUP_MAX_LENGTH),
                c.get(RECORDS_MAX_METADATA_BYTES),
                c.get(RECORDS_MAX_QUESTION_BYTES),
                RecordLimits.MAX_TOP_K,
                RecordLimits.MAX_MAX_TOKENS);
    }

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
        return "GEMRAG_"
                + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
