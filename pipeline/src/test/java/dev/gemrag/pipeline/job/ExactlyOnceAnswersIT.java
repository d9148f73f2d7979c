package dev.gemrag.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.local.kafka.LocalKafkaBroker;
import dev.gemrag.connectors.local.milvus.MilvusLite;
import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.model.engine.EngineListener;
import dev.gemrag.operators.answer.AnswerFunction;
import dev.gemrag.operators.model.ModelClient;
import dev.gemrag.operators.model.ModelClientFactory;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.GemragOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kafka.delivery-guarantee=exactly-once chosen in the job's configuration: the real query branch on
 * a Flink MiniCluster, an in-process broker and Milvus Lite (an empty collection, so every answer
 * is the nothing-found answer and no generation model is needed) writes its answers in Kafka
 * transactions under the configured prefix, visible to a read_committed reader.
 */
class ExactlyOnceAnswersIT {
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir Path dir;

    @Test
    void answersArriveInCommittedTransactions() throws Exception {
        try (LocalKafkaBroker kafka = LocalKafkaBroker.start();
                MilvusLite milvus = MilvusLite.start(dir.resolve("milvus"))) {
            GemragConfig config =
                    GemragConfig.load(
                            null,
                            Map.of(),
                            Map.of(
                                    "job.mode", "query",
                                    "checkpoint.interval", "1 s",
                                    "kafka.bootstrap-servers", kafka.bootstrapServers(),
                                    "milvus.uri", milvus.uri(),
                                    "milvus.alias", "eo_chunks",
                                    "kafka.delivery-guarantee", "exactly-once",
                                    "kafka.transactional-id-prefix", "eo-test"));
            String questions = config.get(GemragOptions.TOPIC_QUESTIONS);
            String answers = config.get(GemragOptions.TOPIC_ANSWERS);
            kafka.createTopics(1, questions, answers, config.get(GemragOptions.TOPIC_DEAD_LETTERS));

            Configuration flink = new Configuration();
            flink.setString("taskmanager.numberOfTaskSlots", "4");
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(flink);
            new GemragJob(
                            config,
                            new ConstantModels(),
                            new ModelInfo(ConstantModel.ID, ConstantModel.DIM))
                    .build(env);
            JobClient job = env.executeAsync("exactly-once-answers");
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(
                            props(
                                    kafka,
                                    Map.of(
                                            "key.serializer",
                                            StringSerializer.class.getName(),
                                            "value.serializer",
                                            StringSerializer.class.getName())))) {
                for (int i = 0; i < 3; i++) {
                    producer.send(
                                    new ProducerRecord<>(
                                            questions,
                                            "q" + i,
                                            "{\"id\":\"q"
                                                    + i
                                                    + "\",\"question\":\"where is it?\",\"groups\":[\"staff\"]}"))
                            .get();
                }
            }
            List<ConsumerRecord<String, String>> got = readCommitted(kafka, answers, 3, job);
            assertThat(got)
                    .extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrder("q0", "q1", "q2");
            assertThat(got)
                    .allSatisfy(
                            r ->
                                    assertThat(r.value())
                                            .contains(
                                                    AnswerFunction.NOTHING_FOUND.substring(0, 10)));
            try (Admin admin = Admin.create(props(kafka, Map.of()))) {
                // Transactional writes leave commit markers between the records: offsets outrun the
                // record count
                // (an at-least-once sink writes 3 records at offsets 0..2, end offset 3).
                TopicPartition tp = new TopicPartition(answers, 0);
                long end =
                        admin.listOffsets(
                                        Map.of(
                                                tp,
                                                org.apache.kafka.clients.admin.OffsetSpec.latest()))
                                .partitionResult(tp)
                                .get()
                                .offset();
                assertThat(end).isGreaterThan(got.size());
                List<String> ids =
                        admin.listTransactions().all().get().stream()
                                .map(TransactionListing::transactionalId)
                                .toList();
                assertThat(ids).anyMatch(id -> id.startsWith("eo-test-answers"));
            }
            job.cancel().get();
        }
    }

    private static Properties props(LocalKafkaBroker kafka, Map<String, String> extra) {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.putAll(extra);
        return p;
    }

    private static List<ConsumerRecord<String, String>> readCommitted(
            LocalKafkaBroker kafka, String topic, int n, JobClient job) throws Exception {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(
                        props(
                                kafka,
                                Map.of(
                                        "group.id",
                                        "eo-reader",
                                        "auto.offset.reset",
                                        "earliest",
                                        "isolation.level",
                                        "read_committed",
                                        "key.deserializer",
                                        StringDeserializer.class.getName(),
                                        "value.deserializer",
                                        StringDeserializer.class.getName())))) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (out.size() < n) {
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    throw new AssertionError("job ended: " + job.getJobStatus().get());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "timed out: " + out.size() + " of " + n + " committed answers");
                }
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    /** Every operator instance gets its own constant model (no engine, no weights). */
    static final class ConstantModels implements ModelClientFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public ModelClient open() {
            return new ConstantModel();
        }
    }

    /**
     * One token per word, and the same unit vector for every text: enough to search an empty
     * collection.
     */
    static final class ConstantModel implements ModelClient {
        static final String ID = "constant-test-model";
        static final int DIM = 8;

        @Override
        public String modelId() {
            return ID;
        }

        @Override
        public int embeddingDimension() {
            return DIM;
        }

        @Override
        public TextTokenizer tokenizer() {
            return new TextTokenizer() {
                @Override
                public int[] encode(String text) {
                    return new int[text.isBlank() ? 0 : text.strip().split("\\s+").length];
                }

                @Override
                public String decode(int[] ids) {
                    return "";
                }
            };
        }

        @Override
        public String applyChatTemplate(List<ChatMessage> messages) {
            return messages.toString();
        }

        @Override
        public CompletableFuture<List<float[]>> embed(List<String> texts, EmbedRole role) {
            float[] v = new float[DIM];
            v[0] = 1f;
            return CompletableFuture.completedFuture(texts.stream().map(t -> v.clone()).toList());
        }

        @Override
        public int[] embeddingTokens(String text, EmbedRole role) {
            return tokenizer().encode(text);
        }

        @Override
        public CompletableFuture<List<float[]>> embedTokens(List<int[]> tokens, EmbedRole role) {
            return embed(tokens.stream().map(ids -> "").toList(), role);
        }

        @Override
        public CompletableFuture<GenerationResult> generate(
                String prompt, GenerationParams params) {
            return CompletableFuture.failedFuture(
                    new UnsupportedOperationException("no generation in this test"));
        }

        @Override
        public AutoCloseable addListener(EngineListener listener) {
            return () -> {};
        }

        @Override
        public int queueDepth() {
            return 0;
        }

        @Override
        public void close() {}
    }
}
