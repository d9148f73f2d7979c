package dev.gemrag.pipeline.job;

import static dev.gemrag.pipeline.config.GemragOptions.*;

import dev.gemrag.annotations.PublicApi;
import dev.gemrag.connectors.kafka.KafkaSinks;
import dev.gemrag.connectors.kafka.KafkaSources;
import dev.gemrag.connectors.kafka.ParsedDocument;
import dev.gemrag.connectors.kafka.ParsedQuestion;
import dev.gemrag.connectors.kafka.RecordSinkBuilder;
import dev.gemrag.connectors.kafka.RecordSourceBuilder;
import dev.gemrag.connectors.kafka.StartingOffsets;
import dev.gemrag.connectors.milvus.CollectionManager;
import dev.gemrag.connectors.milvus.CollectionSpec;
import dev.gemrag.connectors.milvus.MilvusConnection;
import dev.gemrag.connectors.milvus.MilvusRetriever;
import dev.gemrag.connectors.milvus.MilvusSink;
import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.IndexAction;
import dev.gemrag.connectors.records.Question;
import dev.gemrag.connectors.records.json.RecordLimits;
import dev.gemrag.operators.answer.AnswerControls;
import dev.gemrag.operators.answer.AnswerFunction;
import dev.gemrag.operators.answer.AnswerSettings;
import dev.gemrag.operators.answer.QuestionValidator;
import dev.gemrag.operators.chunk.ChunkFunction;
import dev.gemrag.operators.embed.EmbedDocumentFunction;
import dev.gemrag.operators.model.ModelClientFactory;
import dev.gemrag.operators.parse.DeadLetterOutput;
import dev.gemrag.operators.parse.ParsedStreams;
import dev.gemrag.pipeline.config.AnswerSamplingConfig;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.JobMode;
import io.milvus.v2.client.MilvusClientV2;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.retryable.AsyncRetryStrategies;
import org.apache.flink.streaming.util.retryable.RetryPredicates;

/**
 * The gemrag Flink job, in mode index, query or both (see {@link JobMode}):
 *
 * <pre>
 * index: KafkaSource(documents) -> parse (bad -> dead letters) -> keyBy(doc id) -> chunk
 *        -> async embed (ordered, retried) -> MilvusSink (upsert version, delete stale)
 * query: KafkaSource(questions) -> parse + validate (bad -> dead letters)
 *        -> async answer (embed, search with ACL, grounded generation) -> KafkaSink(answers)
 * </pre>
 *
 * Both branches share one model per TaskManager JVM through the engine registry.
 */
@PublicApi
public final class GemragJob {
    private final GemragConfig config;
    private final ModelClientFactory models;
    private final ModelInfo model;

    /**
     * @param models how operators reach the model (the shared engine)
     * @param model its id and dimension (name the Milvus collection); see {@link ModelInfo#of}
     */
    public GemragJob(GemragConfig config, ModelClientFactory models, ModelInfo model) {
        this.config = config;
        this.models = models;
        this.model = model;
    }

    /**
     * Adds the configured branches to env; creates the Milvus collection and alias when missing.
     */
    public void build(StreamExecutionEnvironment env) {
        env.configure(
                JobRestarts.of(config)); // recovers by itself from an outage, on a MiniCluster too
        env.setParallelism(config.get(PARALLELISM));
        Duration interval = config.get(CHECKPOINT_INTERVAL);
        if (!interval.isZero()) {
            env.enableCheckpointing(interval.toMillis());
        }
        CollectionSpec collection =
                CollectionSpec.builder(model.modelId(), model.dimension())
                        .configure(config.flinkConfiguration())
                        .build();
        ensureCollection(collection);

        JobMode mode = config.get(JOB_MODE);
        List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
        if (mode.indexes()) {
            deadLetters.add(index(env, collection));
        }
        if (mode.answers()) {
            deadLetters.addAll(query(env));
        }
        DataStream<DeadLetter> all = deadLetters.get(0);
        for (DataStream<DeadLetter> d : deadLetters.subList(1, deadLetters.size())) {
            all = all.union(d);
        }
        all.sinkTo(
                        sink(KafkaSinks.deadLetters(), "-dead-letters")
                                .setTopic(config.get(TOPIC_DEAD_LETTERS))
                                .build())
                .name("dead-letters")
                .uid("dead-letters-sink");
    }

    private DataStream<DeadLetter> index(
            StreamExecutionEnvironment env, CollectionSpec collection) {
        DataStream<ParsedDocument> raw =
                env.fromSource(
                                source(KafkaSources.documents())
                                        .setTopics(config.get(TOPIC_DOCUMENTS))
                                        .setGroupId(config.get(KAFKA_GROUP_ID) + "-index")
                                        .build(),
                                WatermarkStrategy.noWatermarks(),
                                "documents")
                        .uid("documents-source");
        ParsedStreams<DocumentEvent> docs = ParsedStreams.documents(raw);
        SingleOutputStreamOperator<IndexAction> chunks =
                docs.valid()
                        .keyBy(DocumentEvent::id)
                        .map(
                                new ChunkFunction(
                                        models, config.get(CHUNK_SIZE), config.get(CHUNK_OVERLAP)))
                        .returns(TypeInformation.of(IndexAction.class))
                        .name("chunk")
                        .uid("chunk");
        Duration timeout = config.get(EMBED_TIMEOUT);
        // Ordered: a document's versions leave in the order they came (the stream is keyed by doc
        // id upstream).
        SingleOutputStreamOperator<IndexAction> actions =
                AsyncDataStream.orderedWaitWithRetry(
                                chunks,
                                new EmbedDocumentFunction(
                                        models, config.get(EMBED_MAX_INPUT_TOKENS)),
                                timeout.toMillis(),
                                TimeUnit.MILLISECONDS,
                                config.get(EMBED_CAPACITY),
                                new AsyncRetryStrategies
                                                        .ExponentialBackoffDelayRetryStrategyBuilder<
                                                IndexAction>(
                                                config.get(EMBED_RETRIES), 500L, 30_000L, 2.0)
                                        .ifException(RetryPredicates.HAS_EXCEPTION_PREDICATE)
                                        .build())
                        .returns(TypeInformation.of(IndexAction.class))
                        .name("embed")
                        .uid("embed");
        actions.sinkTo(
                        MilvusSink.builder()
                                .setConnection(connection())
                                .setCollection(collection)
                                .configure(config.flinkConfiguration())
                                .build())
                .setParallelism(config.get(MILVUS_SINK_PARALLELISM))
                .name("milvus")
                .uid("milvus-sink");
        return docs.deadLetters();
    }

    private List<DataStream<DeadLetter>> query(StreamExecutionEnvironment env) {
        DataStream<ParsedQuestion> raw =
                env.fromSource(
                                source(KafkaSources.questions())
                                        .setTopics(config.get(TOPIC_QUESTIONS))
                                        .setGroupId(config.get(KAFKA_GROUP_ID) + "-query")
                                        .build(),
                                WatermarkStrategy.noWatermarks(),
                                "questions")
                        .uid("questions-source");
        ParsedStreams<Question> parsed = ParsedStreams.questions(raw);
        AnswerSettings settings = answerSettings(config);
        SingleOutputStreamOperator<Question> valid =
                parsed.valid()
                        .process(
                                new QuestionValidator(
                                        models, settings, config.get(TOPIC_QUESTIONS)))
                        .returns(TypeInformation.of(Question.class))
                        .name("validate-questions")
                        .uid("validate-questions");
        MilvusRetriever retriever =
                MilvusRetriever.builder()
                        .setConnection(connection())
                        .setModelId(model.modelId())
                        .configure(config.flinkConfiguration())
                        .build();
        // Unordered: answers are independent, a short one need not wait behind a long one.
        DataStream<Answer> answers =
                AsyncDataStream.unorderedWaitWithRetry(
                                valid,
                                new AnswerFunction(
                                        models,
                                        new MilvusRetrievers(retriever),
                                        settings,
                                        AnswerSamplingConfig.params(config, settings.maxTokens()),
                                        config.get(ANSWER_PROMPT_LAYOUT),
                                        config.get(ANSWER_PROMPT_TITLE),
                                        answerControls(config)),
                                config.get(ANSWER_TIMEOUT).toMillis(),
                                TimeUnit.MILLISECONDS,
                                config.get(ANSWER_CAPACITY),
                                new AsyncRetryStrategies
                                                        .ExponentialBackoffDelayRetryStrategyBuilder<
                                                Answer>(2, 500L, 5_000L, 2.0)
                                        .ifException(RetryPredicates.HAS_EXCEPTION_PREDICATE)
                                        .build())
                        .returns(TypeInformation.of(Answer.class))
                        .name("answer")
                        .uid("answer");
        answers.sinkTo(
                        sink(KafkaSinks.answers(), "-answers")
                                .setTopic(config.get(TOPIC_ANSWERS))
                                .build())
                .name("answers")
                .uid("answers-sink");
        return List.of(parsed.deadLetters(), valid.getSideOutput(DeadLetterOutput.TAG));
    }

    /**
     * A source with the configured servers, client properties, starting offsets and record limits.
     */
    private <T> RecordSourceBuilder<T> source(RecordSourceBuilder<T> b) {
        return b.setBootstrapServers(config.get(KAFKA_BOOTSTRAP_SERVERS))
                .setProperties(config.kafkaProperties())
                .setStartingOffsets(StartingOffsets.parse(config.get(KAFKA_STARTING_OFFSETS)))
                .setLimits(recordLimits(config.flinkConfiguration()));
    }

    /**
     * A sink with the configured delivery guarantee; exactly-once: transactions under prefix +
     * suffix.
     */
    private <T> RecordSinkBuilder<T> sink(RecordSinkBuilder<T> b, String transactionalIdSuffix) {
        return b.setBootstrapServers(config.get(KAFKA_BOOTSTRAP_SERVERS))
                .setProperties(config.kafkaProperties())
                .setDeliveryGuarantee(config.get(KAFKA_DELIVERY_GUARANTEE))
                .setTransactionalIdPrefix(
                        config.get(KAFKA_TRANSACTIONAL_ID_PREFIX) + transactionalIdSuffix);
    }

    public static AnswerSettings answerSettings(GemragConfig config) {
        return new AnswerSettings(
                config.get(ANSWER_TOP_K),
                RecordLimits.MAX_TOP_K,
                config.get(ANSWER_MAX_TOKENS),
                RecordLimits.MAX_MAX_TOKENS,
                config.get(ANSWER_CONTEXT_TOKENS),
                config.get(ANSWER_MAX_QUESTION_TOKENS));
    }

    /** retrieval.rerank* and answer.frame: the answer-path controls a question may override. */
    public static AnswerControls answerControls(GemragConfig config) {
        return new AnswerControls(
                config.get(RETRIEVAL_RERANK),
                config.get(RETRIEVAL_RERANK_CANDIDATES),
                config.get(RETRIEVAL_RERANK_CHUNK_TOKENS),
                config.get(ANSWER_FRAME),
                config.get(RETRIEVAL_RERANK_SKIP_MARGIN),
                config.get(ANSWER_CODE_EXTRA_TOKENS),
                config.get(RETRIEVAL_RERANK_WEIGHT));
    }

    private MilvusConnection connection() {
        return MilvusConnection.fromConfig(config.flinkConfiguration());
    }

    private void ensureCollection(CollectionSpec spec) {
        MilvusClientV2 client = connection().connect();
        try {
            new CollectionManager(client).ensureCollection(spec);
        } finally {
            client.close();
        }
    }
}
