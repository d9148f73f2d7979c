package dev.gemrag.pipeline.e2e;

import static dev.gemrag.pipeline.e2e.MilvusOutageIT.await;
import static dev.gemrag.pipeline.e2e.MilvusOutageIT.poll;
import static dev.gemrag.pipeline.e2e.MilvusOutageIT.problems;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.pipeline.client.KafkaClients;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.GemragOptions;
import dev.gemrag.pipeline.demo.EmbeddedStack;
import dev.gemrag.pipeline.demo.IndexStatus;
import dev.gemrag.pipeline.soak.SoakState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.ConfigOption;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process Kafka broker is stopped while the job reads documents and questions and writes
 * answers, and restarted 30 s later on the same port and log directory (embedded stack: the default
 * model, Milvus Lite, the job on a MiniCluster with the configured restart strategy). Documents,
 * deletes and questions keep being sent meanwhile (the test's producer buffers them). After the
 * restart the job recovers by itself, every question is answered exactly once
 * (kafka.delivery-guarantee=exactly-once, read_committed) and Milvus holds exactly the last event
 * of every document. The default at-least-once delivery meets the same restart in
 * StandaloneClusterFailoverIT. The test owns its stack.
 */
@ExtendWith(SharedModel.class) // one model load per module run, not per stack
class KafkaBrokerRestartIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final String[] WORDS = {
        "copy",
        "files",
        "directories",
        "remove",
        "archive",
        "compress",
        "disk",
        "space",
        "count",
        "lines",
        "words",
        "move",
        "rename",
        "list",
        "show",
        "usage"
    };

    @TempDir Path dir;

    @Test
    void exactlyOnceAnswersAndTheLastEventPerDocumentSurviveABrokerRestart() throws Exception {
        Map<String, List<String>> answers =
                brokerRestart(
                        GemragConfig.defaults()
                                .with(GemragOptions.KAFKA_DELIVERY_GUARANTEE.key(), "exactly-once")
                                .with(
                                        GemragOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key(),
                                        "broker-restart-it"));
        assertThat(answers)
                .as("one committed answer per question")
                .allSatisfy((q, a) -> assertThat(a).hasSize(1));
    }

    /**
     * Runs the outage; returns the answers (question id -> answer texts) to every question asked.
     */
    private Map<String, List<String>> brokerRestart(GemragConfig base) throws Exception {
        GemragConfig config =
                base.with(GemragOptions.ANSWER_MAX_TOKENS.key(), "4")
                        .with(GemragOptions.ANSWER_TIMEOUT.key(), "10 min")
                        .with(GemragOptions.CHECKPOINT_INTERVAL.key(), "2 s")
                        .with(GemragOptions.RESTART_MAX_DELAY.key(), "10 s")
                        .with(GemragOptions.ACL_NO_ACL_VISIBILITY.key(), "public");
        Random rnd = new Random(23);
        SoakState expected = new SoakState();
        Map<String, List<String>> answers = new HashMap<>();
        List<String> asked = new ArrayList<>();
        Set<JobStatus> seen = EnumSet.noneOf(JobStatus.class);
        try (EmbeddedStack stack =
                        EmbeddedStack.start(dir, config, s -> System.out.println("[stack] " + s));
                KafkaProducer<String, String> producer = patientProducer(stack);
                KafkaConsumer<String, String> answersIn = KafkaClients.consumer(stack.config());
                Sender send = new Sender(stack, producer, rnd)) {
            List<TopicPartition> parts =
                    answersIn
                            .partitionsFor(
                                    stack.config().get(GemragOptions.TOPIC_ANSWERS),
                                    Duration.ofSeconds(30))
                            .stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            answersIn.assign(parts);
            answersIn.seekToBeginning(parts);

            for (int i = 0; i < 4; i++) {
                send.document("doc-" + i);
            }
            send.settle(expected);
            try (IndexStatus index =
                    new IndexStatus(
                            stack.milvusUri(), stack.config().get(GemragOptions.MILVUS_ALIAS))) {
                await(stack, () -> index.documents() == 4, "4 documents indexed");
            }
            asked.add(send.question());
            send.settle(expected);
            await(
                    stack,
                    () -> poll(answersIn, answers).containsKey(asked.get(0)),
                    "an answer before the restart");

            // work in flight when the broker goes: the job is reading these and writing their
            // answers
            send.document("doc-4");
            send.document("doc-1");
            asked.add(send.question());
            asked.add(send.question());
            send.settle(expected);
            stack.stopKafka();
            long end = System.nanoTime() + OUTAGE.toNanos();
            for (int tick = 0; System.nanoTime() < end; tick++) {
                asked.add(send.question()); // buffered by the producer until the broker is back
                switch (tick % 3) {
                    case 0 -> send.document("doc-" + rnd.nextInt(6));
                    case 1 -> send.delete("doc-" + rnd.nextInt(6));
                    default -> send.document("doc-" + (5 + tick));
                }
                long tickEnd = Math.min(end, System.nanoTime() + Duration.ofSeconds(5).toNanos());
                while (System.nanoTime() < tickEnd) {
                    seen.add(stack.job().getJobStatus().get());
                    Thread.sleep(200); // the outage lasts its length; the job's state is sampled
                    // meanwhile
                }
            }
            stack.startKafka();
            send.settle(expected); // every buffered event delivered, in order: the offsets are the
            // versions

            await(
                    stack,
                    () -> {
                        try {
                            seen.add(stack.job().getJobStatus().get());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        return poll(answersIn, answers).keySet().containsAll(asked);
                    },
                    "an answer to every question");
            try (IndexStatus index =
                    new IndexStatus(
                            stack.milvusUri(), stack.config().get(GemragOptions.MILVUS_ALIAS))) {
                await(
                        stack,
                        () -> problems(expected, index).isEmpty(),
                        "Milvus = the last event per document");
                assertThat(problems(expected, index)).isEmpty();
            }
            // answers still on their way (a replay after a restart) have had the time Milvus took
            // to converge;
            // one more checkpoint's worth of polling catches a late duplicate
            long more = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < more) {
                poll(answersIn, answers);
            }
            System.out.println(
                    "[broker-restart] job states seen: "
                            + seen
                            + "; answers per question: "
                            + asked.stream().map(q -> answers.get(q).size()).toList());
            assertThat(stack.job().getJobStatus().get())
                    .as("the job recovered by itself")
                    .isEqualTo(JobStatus.RUNNING);
            assertThat(answers.keySet()).containsExactlyInAnyOrderElementsOf(asked);
            assertThat(answers.values().stream().flatMap(List::stream))
                    .noneMatch(a -> a.startsWith("could not answer") || a.contains("Exception"));
        }
        return answers;
    }

    /**
     * Waits out a broker outage: buffered records are delivered when it is back (5 min delivery
     * timeout).
     */
    private static KafkaProducer<String, String> patientProducer(EmbeddedStack stack) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                "true"); // retries keep the order: offsets = versions
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /**
     * Sends without holding up the test (the broker may be down): one sender thread, as a client
     * application would have, sends each record and waits for its acknowledgement in turn, so the
     * order is kept while the producer waits for the broker; {@link #settle} records the outcome in
     * send order.
     */
    private static final class Sender implements AutoCloseable {
        private final EmbeddedStack stack;
        private final KafkaProducer<String, String> producer;
        private final Random rnd;
        private final ExecutorService thread = Executors.newSingleThreadExecutor();

        /** Document events not yet acknowledged, in send order. */
        private final List<Pending> pending = new ArrayList<>();

        private final List<Future<RecordMetadata>> questions = new ArrayList<>();

        private record Pending(String id, boolean delete, Future<RecordMetadata> sent) {}

        Sender(EmbeddedStack stack, KafkaProducer<String, String> producer, Random rnd) {
            this.stack = stack;
            this.producer = producer;
            this.rnd = rnd;
        }

        void document(String id) {
            StringBuilder text = new StringBuilder();
            for (int i = 0, n = 20 + rnd.nextInt(200); i < n; i++) {
                text.append(WORDS[rnd.nextInt(WORDS.length)]).append(i % 12 == 11 ? ". " : " ");
            }
            String value =
                    JSON.createObjectNode()
                            .put("id", id)
                            .put("title", id)
                            .put("text", text.toString())
                            .toString();
            pending.add(new Pending(id, false, send(GemragOptions.TOPIC_DOCUMENTS, id, value)));
        }

        void delete(String id) {
            pending.add(new Pending(id, true, send(GemragOptions.TOPIC_DOCUMENTS, id, null)));
        }

        String question() {
            String id = "q-" + System.nanoTime();
            String value =
                    JSON.createObjectNode()
                            .put("id", id)
                            .put(
                                    "question",
                                    "How do I "
                                            + WORDS[rnd.nextInt(WORDS.length)]
                                            + " "
                                            + WORDS[rnd.nextInt(WORDS.length)]
                                            + "?")
                            .toString();
            questions.add(send(GemragOptions.TOPIC_QUESTIONS, id, value));
            return id;
        }

        private Future<RecordMetadata> send(ConfigOption<String> topic, String key, String value) {
            ProducerRecord<String, String> r =
                    new ProducerRecord<>(stack.config().get(topic), key, value);
            return thread.submit(() -> producer.send(r).get());
        }

        @Override
        public void close() {
            thread.shutdownNow();
        }

        /**
         * Waits for every send (failing on a lost one) and applies the documents' events to the
         * expectation.
         */
        void settle(SoakState expected) throws Exception {
            for (Future<RecordMetadata> q : questions) {
                q.get();
            }
            questions.clear();
            for (Pending e : pending) {
                long offset = e.sent().get().offset();
                if (e.delete()) {
                    expected.deleted(e.id());
                } else {
                    expected.upserted(
                            e.id(), offset); // no "version" field: the offset is the version
                }
            }
            pending.clear();
        }
    }
}
