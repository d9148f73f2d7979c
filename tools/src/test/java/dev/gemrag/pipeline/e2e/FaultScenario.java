package dev.gemrag.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.connectors.milvus.StoredChunks;
import dev.gemrag.pipeline.client.KafkaClients;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.GemragOptions;
import dev.gemrag.pipeline.demo.EmbeddedStack;
import dev.gemrag.pipeline.soak.SoakState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.ConfigOption;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the fault tests ({@link KafkaBrokerRestartIT}, {@link MilvusOutageIT}) share: the embedded
 * stack (in-process Kafka, Milvus Lite, the default model, the job on a MiniCluster with the
 * configured restart strategy) set up for a fault; random documents, deletes and questions sent in
 * order; the answers topic read from its beginning; the job's states sampled; and the check that
 * Milvus ends with exactly the last event of every document. Each test owns its scenario: it stops
 * a server.
 *
 * <p>Sends never hold up the test (the broker may be down): one sender thread, as a client
 * application would have, sends each record and waits for its acknowledgement in turn, so the order
 * is kept while the producer waits for the broker; {@link #settle} records the outcome in send
 * order (the documents carry no version: the offset is the version).
 */
final class FaultScenario implements AutoCloseable {
    static final Duration WAIT = Duration.ofMinutes(10); // generous: a saturated machine, a model
    private static final ObjectMapper JSON = new ObjectMapper();
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

    final EmbeddedStack stack;
    final Random rnd;

    /** Question id -> the answer texts read for it, in order. */
    final Map<String, List<String>> answers = new HashMap<>();

    /** Every state the job was seen in. */
    final Set<JobStatus> seen = EnumSet.noneOf(JobStatus.class);

    private final SoakState expected = new SoakState();
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> answersIn;
    private final ExecutorService sender = Executors.newSingleThreadExecutor();

    /** Document events not yet acknowledged, in send order. */
    private final List<Pending> pending = new ArrayList<>();

    private final List<Future<RecordMetadata>> questions = new ArrayList<>();

    private record Pending(String id, boolean delete, Future<RecordMetadata> sent) {}

    private FaultScenario(EmbeddedStack stack, Random rnd) {
        this.stack = stack;
        this.rnd = rnd;
        this.producer = patientProducer(stack);
        this.answersIn = KafkaClients.consumer(stack.config());
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
    }

    /**
     * The stack on {@code base} plus what a fault scenario needs: 4-token answers that may wait 10
     * min, checkpoints every 2 s, restarts at most 10 s apart, documents without acl public.
     */
    static FaultScenario start(Path dir, GemragConfig base, long seed) throws Exception {
        GemragConfig config =
                base.with(GemragOptions.ANSWER_MAX_TOKENS.key(), "4")
                        .with(GemragOptions.ANSWER_TIMEOUT.key(), "10 min")
                        .with(GemragOptions.CHECKPOINT_INTERVAL.key(), "2 s")
                        .with(GemragOptions.RESTART_MAX_DELAY.key(), "10 s")
                        .with(GemragOptions.ACL_NO_ACL_VISIBILITY.key(), "public");
        EmbeddedStack stack =
                EmbeddedStack.start(dir, config, s -> System.out.println("[stack] " + s));
        try {
            return new FaultScenario(stack, new Random(seed));
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /**
     * Indexes 4 documents and asks one question: returns its id once it is answered (the stack
     * works before the fault).
     */
    String warmUp() throws Exception {
        for (int i = 0; i < 4; i++) {
            document("doc-" + i);
        }
        settle();
        try (StoredChunks index = index()) {
            await(() -> index.documents() == 4, "4 documents indexed");
        }
        String first = question();
        settle();
        await(() -> pollAnswers().containsKey(first), "an answer before the fault");
        return first;
    }

    /** Sends an upsert of a random text of 20-219 words. */
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

    /** Sends a random "How do I ...?" question; returns its id. */
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
        return sender.submit(() -> producer.send(r).get());
    }

    /**
     * Waits for every send (failing on a lost one) and applies the documents' events to what Milvus
     * must hold.
     */
    void settle() throws Exception {
        for (Future<RecordMetadata> q : questions) {
            q.get();
        }
        questions.clear();
        for (Pending e : pending) {
            long offset = e.sent().get().offset();
            if (e.delete()) {
                expected.deleted(e.id());
            } else {
                expected.upserted(e.id(), offset);
            }
        }
        pending.clear();
    }

    /** Reads the answers that arrived (200 ms at most) into {@link #answers}. */
    Map<String, List<String>> pollAnswers() {
        for (ConsumerRecord<String, String> r : answersIn.poll(Duration.ofMillis(200))) {
            try {
                JsonNode a = JSON.readTree(r.value());
                answers.computeIfAbsent(a.path("question_id").asText(), k -> new ArrayList<>())
                        .add(a.path("answer").asText());
            } catch (Exception e) {
                throw new AssertionError(
                        "the answers topic holds a record that is not answer JSON: " + r.value(),
                        e);
            }
        }
        return answers;
    }

    /** Notes the job's state now. */
    JobStatus sampleJob() {
        try {
            JobStatus s = stack.job().getJobStatus().get();
            seen.add(s);
            return s;
        } catch (Exception e) {
            throw new IllegalStateException("the job's state could not be read", e);
        }
    }

    /** Waits (the job sampled meanwhile) until every question in {@code ids} has an answer. */
    void awaitAnswers(Collection<String> ids, String what) throws Exception {
        await(
                () -> {
                    sampleJob();
                    return pollAnswers().keySet().containsAll(ids);
                },
                what);
    }

    /** Waits until Milvus holds exactly the last settled event of every document, and checks it. */
    void awaitConverged() throws Exception {
        try (StoredChunks index = index()) {
            await(() -> problems(index).isEmpty(), "Milvus = the last event per document");
            assertThat(problems(index)).isEmpty();
        }
    }

    void await(BooleanSupplier done, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            stack.checkJobAlive();
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out after " + WAIT.toMinutes() + " min waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    private StoredChunks index() {
        return new StoredChunks(stack.milvusUri(), stack.config().get(GemragOptions.MILVUS_ALIAS));
    }

    private List<String> problems(StoredChunks index) {
        List<String> out = new ArrayList<>();
        try {
            for (String id : expected.ids()) {
                String p = expected.problem(id, index.chunksOf(id));
                if (p != null) {
                    out.add(p);
                }
            }
            if (index.documents() != expected.liveDocuments()) {
                out.add(
                        index.documents()
                                + " documents stored, "
                                + expected.liveDocuments()
                                + " expected");
            }
        } catch (RuntimeException e) {
            out.add("Milvus not readable yet: " + e.getMessage());
        }
        return out;
    }

    /**
     * Waits out a broker outage: buffered records are delivered when it is back (5 min delivery
     * timeout); idempotent, so retries keep the order (offsets = versions).
     */
    private static KafkaProducer<String, String> patientProducer(EmbeddedStack stack) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    @Override
    public void close() {
        sender.shutdownNow();
        try (stack;
                producer;
                answersIn) {
            // closed in reverse order: the consumer, the producer, then the stack
        }
    }
}
