package dev.gemrag.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.connectors.local.kafka.LocalKafkaBroker;
import dev.gemrag.connectors.local.milvus.MilvusLite;
import dev.gemrag.connectors.milvus.StoredChunks;
import dev.gemrag.pipeline.config.GemragOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The job jar on a real Flink standalone cluster (jobmanager and taskmanager as separate JVMs, DJL
 * on the parent classpath as in the Docker image), submitted through the REST API in mode both
 * against an in-process Kafka broker, Milvus Lite and the default model. The taskmanager is then
 * killed (SIGKILL) while more documents and questions arrive, and a new one is started: the job
 * must restart from its last checkpoint, load the model again in the new JVM, and converge to
 * exactly the expected Milvus state, with an answer for every question. Then, on the same cluster:
 * Milvus lost until the job restarts, the Kafka broker restarted while the job reads and writes,
 * and Milvus away for 60 s: each time nothing is lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterFailoverIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Flink's modules, then DJL + libtorch: the image's /opt/flink/lib (deploy/flink/Dockerfile
     * copies target/djl-lib).
     */
    private static final List<Path> LIB =
            List.of(Path.of("target", "flink-dist", "lib"), Path.of("target", "djl-lib"));

    /**
     * The shade plugin's output (pipeline/pom.xml) and what deploy/flink/Dockerfile copies to
     * usrlib/.
     */
    static final String JOB_JAR_IN_REPO = "pipeline/target/gemrag-job.jar";

    static final Path JOB_JAR = RepoFiles.root().resolve(JOB_JAR_IN_REPO);
    static final String ENTRY_CLASS = "dev.gemrag.pipeline.job.GemragJobMain";
    private static final Duration WAIT =
            Duration.ofMinutes(8); // generous: a saturated machine, model loads

    private Path work;
    private LocalKafkaBroker kafka;
    private MilvusLite milvus;
    private StandaloneFlinkCluster cluster;
    private KafkaProducer<String, String> producer;

    /**
     * Sends run here: while the broker is down a send may block for metadata (the client's
     * rebootstrap can forget it), and the outage must keep its length on the test thread.
     */
    private final java.util.concurrent.ExecutorService sender =
            java.util.concurrent.Executors.newSingleThreadExecutor();

    private StoredChunks index;
    private String jobId;
    private FlinkProcess tm2;
    private final Map<String, Long> expected = new HashMap<>();
    private final long started = System.nanoTime();

    @BeforeAll
    void start() throws Exception {
        work = Files.createDirectories(Path.of("target", "standalone-cluster-it").toAbsolutePath());
        kafka = LocalKafkaBroker.start();
        kafka.createTopics(
                1,
                topic(GemragOptions.TOPIC_DOCUMENTS),
                topic(GemragOptions.TOPIC_QUESTIONS),
                topic(GemragOptions.TOPIC_ANSWERS),
                topic(GemragOptions.TOPIC_DEAD_LETTERS));
        milvus = MilvusLite.start(work.resolve("milvus-" + System.currentTimeMillis()));
        cluster =
                StandaloneFlinkCluster.startJobManager(
                        LIB,
                        work.resolve("flink-" + System.currentTimeMillis()),
                        composeSettings(),
                        Duration.ofSeconds(90));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        // a send during the broker outage waits for the broker instead of failing after 60 s
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        producer = new KafkaProducer<>(p);
        log("Kafka, Milvus Lite and the jobmanager are up");
    }

    @AfterAll
    void stop() {
        // Everything started here is stopped here, whatever happened in the test.
        if (jobId != null) {
            try {
                cluster.rest().cancel(jobId);
            } catch (Exception e) {
                // the cluster may already be gone
            }
        }
        if (cluster != null) {
            cluster.close();
        }
        if (index != null) {
            index.close();
        }
        sender.shutdownNow();
        if (producer != null) {
            producer.close();
        }
        if (milvus != null) {
            milvus.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void jobRestartsFromItsCheckpointAfterTheTaskManagerIsKilledAndConverges() throws Exception {
        assertThat(JOB_JAR).as("the shaded job jar (mvn package)").isRegularFile();
        FlinkProcess tm1 = cluster.startTaskManager();
        await(
                "taskmanager 1 registered",
                () -> cluster.rest().overview().path("taskmanagers").asInt() == 1,
                tm1);

        String jarId = cluster.rest().uploadJar(JOB_JAR);
        List<String> args = new ArrayList<>();
        for (var e :
                Map.of(
                                "job.mode",
                                "both",
                                "kafka.bootstrap-servers",
                                kafka.bootstrapServers(),
                                "milvus.uri",
                                milvus.uri(),
                                "checkpoint.interval",
                                "2 s",
                                "answer.max-tokens",
                                "24",
                                "answer.context-tokens",
                                "256",
                                "acl.no-acl-visibility",
                                "public",
                                GemragOptions.MILVUS_SINK_MAX_RETRIES.key(),
                                "1",
                                GemragOptions.MILVUS_SINK_RETRY_MAX_BACKOFF.key(),
                                "1 s")
                        .entrySet()) {
            args.add("--set");
            args.add(e.getKey() + "=" + e.getValue());
        }
        jobId = cluster.rest().runJar(jarId, ENTRY_CLASS, args);
        log("job " + jobId + " submitted through REST");
        await(
                "job running on taskmanager 1",
                () -> FlinkRestClient.fullyRunning(cluster.rest().job(jobId)),
                tm1);
        log("job running");
        index = new StoredChunks(milvus.uri(), GemragOptions.MILVUS_ALIAS.defaultValue());

        // Before the crash: four documents and two questions.
        for (String id : List.of("d1", "d2", "d3", "d4")) {
            sendDocument(
                    id,
                    1,
                    "Document "
                            + id
                            + " version 1 says the backup runs at "
                            + id.charAt(1)
                            + " o'clock.");
            expected.put(id, 1L);
        }
        sendQuestion("q1", "When does the backup of document d2 run?");
        sendQuestion("q2", "What does document d3 say?");
        await("the first four documents in Milvus", () -> index.documents() == 4, tm1);
        long checkpointBefore = awaitCheckpointAfter(-1, tm1);
        log("4 documents indexed, checkpoint " + checkpointBefore + " completed");

        // Crash: SIGKILL, no shutdown hooks; then more input arrives while no taskmanager runs.
        long restartsBefore = restarts();
        tm1.kill();
        log("taskmanager 1 killed");
        sendDocument("d1", 2, "Document d1 version 2 says the backup moved to midnight.");
        expected.put("d1", 2L);
        producer.send(new ProducerRecord<>(topic(GemragOptions.TOPIC_DOCUMENTS), "d4", null)).get();
        expected.remove("d4");
        sendDocument("d5", 1, "Document d5 version 1 says restores are tested every Friday.");
        expected.put("d5", 1L);
        sendQuestion("q3", "When are restores tested?");
        sendQuestion("q4", "When does the backup of d1 run now?");

        tm2 = cluster.startTaskManager();
        await("job restarted", () -> restarts() > restartsBefore, tm2);
        awaitRunningAfterRestore(tm2, 0);
        log("job running again on taskmanager 2");

        // Exact convergence: one chunk per live document, at its last version; the tombstoned one
        // gone.
        await("Milvus converged to " + expected, () -> converged(), tm2);
        for (var e : expected.entrySet()) {
            assertThat(index.chunksOf(e.getKey()))
                    .extracting(
                            StoredChunks.StoredChunk::chunkId, StoredChunks.StoredChunk::docVersion)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(e.getKey() + "#0", e.getValue()));
        }
        assertThat(index.chunksOf("d4")).as("tombstoned document").isEmpty();
        log("Milvus converged");

        // Every question answered, those sent before and during the outage.
        Map<String, String> answers = awaitAnswers(Set.of("q1", "q2", "q3", "q4"), tm2);
        assertThat(answers.keySet()).containsExactlyInAnyOrder("q1", "q2", "q3", "q4");
        assertThat(answers.values()).allSatisfy(a -> assertThat(a).isNotBlank());
        log("all 4 questions answered");

        // It restarted from a checkpoint (not from scratch), and the new JVM loaded the model
        // itself.
        JsonNode restored = cluster.rest().checkpoints(jobId).path("latest").path("restored");
        assertThat(restored.isObject())
                .as("checkpoint statistics name a restored checkpoint: %s", restored)
                .isTrue();
        assertThat(restored.path("id").asLong()).isGreaterThanOrEqualTo(checkpointBefore);
        assertThat(cluster.rest().exceptions(jobId).path("exceptionHistory").path("entries"))
                .as("failure recorded")
                .isNotEmpty();
        assertThat(Files.readString(tm2.log(), StandardCharsets.UTF_8))
                .as("taskmanager 2 log")
                .containsPattern("model .* loaded in");
        // The Prometheus reporter (as enabled in the image) serves the job's operator metrics.
        assertThat(cluster.rest().getText("http://127.0.0.1:" + tm2.prometheusPort() + "/"))
                .contains("flink_taskmanager_job_task_operator")
                .contains("job_name=\"gemrag\"");
        log("done; restored from checkpoint " + restored.path("id").asLong());
    }

    /**
     * A failure that does not take the JVM down: Milvus goes away, the sink fails, the job restarts
     * on the same taskmanager with a new user classloader and loads the model again while DJL's
     * native library is already loaded in that JVM: this works because DJL is on the parent
     * classpath (lib/), as in the image.
     */
    @Test
    @Order(2)
    void jobRestartsInTheSameTaskManagerJvmAndLoadsTheModelAgain() throws Exception {
        assertThat(tm2).as("the first test left a running taskmanager").isNotNull();
        long restartsBefore = restarts();
        long restoredBefore =
                cluster.rest()
                        .checkpoints(jobId)
                        .path("latest")
                        .path("restored")
                        .path("restore_timestamp")
                        .asLong(0);
        long loadsBefore = modelLoads(tm2);
        int port = milvus.port();
        Path data = milvus.dataDir();
        index.close();
        index = null;
        milvus.close();
        log("Milvus Lite stopped");
        sendDocument("d6", 1, "Document d6 version 1 says the archive is kept for seven years.");
        expected.put("d6", 1L);
        await("the job restarted without Milvus", () -> restarts() > restartsBefore, tm2);
        milvus = MilvusLite.start(data, port);
        log("Milvus Lite back on port " + port);
        index = new StoredChunks(milvus.uri(), GemragOptions.MILVUS_ALIAS.defaultValue());
        awaitRunningAfterRestore(tm2, restoredBefore);
        await(
                "Milvus converged to " + expected + " (last seen: see below)",
                () -> converged(),
                tm2);
        assertThat(tm2.isAlive()).as("the same taskmanager JVM").isTrue();
        assertThat(cluster.rest().overview().path("taskmanagers").asInt()).isEqualTo(1);
        assertThat(modelLoads(tm2))
                .as("model loads in taskmanager 2's JVM")
                .isGreaterThan(loadsBefore);
        assertThat(Files.readString(tm2.log(), StandardCharsets.UTF_8))
                .doesNotContain("UnsatisfiedLinkError");
        log("same-JVM restart done: model loaded " + modelLoads(tm2) + " times in taskmanager 2");
    }

    /**
     * The Kafka broker stops while the job reads documents and questions and writes answers, and
     * comes back 30 s later on the same port and log directory; documents and questions sent
     * meanwhile wait in the producer. The job recovers by itself, answers every question (at least
     * once: the default delivery) and Milvus ends at the last event of every document.
     */
    @Test
    @Order(3)
    void brokerRestartWhileTheJobReadsAndWritesLosesNothing() throws Exception {
        assertThat(tm2).as("the first test left a running taskmanager").isNotNull();
        sendDocument("d7", 1, "Document d7 version 1 says the mirror syncs every hour.");
        expected.put("d7", 1L);
        sendQuestion("q5", "How often does the mirror sync?");
        kafka.stop();
        log("Kafka broker stopped");
        List<java.util.concurrent.Future<?>> buffered = new ArrayList<>();
        buffered.add(
                sendDocumentAsync(
                        "d2", 2, "Document d2 version 2 says the backup of d2 now runs at noon."));
        expected.put("d2", 2L);
        buffered.add(sendQuestionAsync("q6", "When does the backup of d2 run now?"));
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime()
                < end) { // the outage lasts its length; the cluster must stay up meanwhile
            assertThat(cluster.jobManager().isAlive())
                    .as("jobmanager alive during the broker outage")
                    .isTrue();
            assertThat(tm2.isAlive()).as("taskmanager alive during the broker outage").isTrue();
            Thread.sleep(500);
        }
        kafka.restart();
        log("Kafka broker back on " + kafka.bootstrapServers());
        for (java.util.concurrent.Future<?> f : buffered) {
            f.get(); // delivered after the restart, nothing lost on the way in
        }
        await(
                "Milvus converged to " + expected + " after the broker restart",
                () -> converged(),
                tm2);
        Map<String, String> answers = awaitAnswers(Set.of("q5", "q6"), tm2);
        assertThat(answers.values())
                .allSatisfy(a -> assertThat(a).isNotBlank().doesNotContain("Exception"));
        await("job running after the broker restart", () -> "RUNNING".equals(stateOrNull()), tm2);
        log("broker restart done");
    }

    /**
     * Milvus is away for 60 s while documents and questions keep arriving (the sink is impatient
     * here: 1 retry, so the job fails and the restart strategy keeps bringing it back). Every
     * question is answered (a question asked during the outage may say retrieval is unavailable:
     * never a raw error); Milvus ends at the last event of every document.
     */
    @Test
    @Order(4)
    void milvusAwayForAMinuteWhileDocumentsAndQuestionsArriveLosesNothing() throws Exception {
        assertThat(tm2).as("the first test left a running taskmanager").isNotNull();
        int port = milvus.port();
        Path data = milvus.dataDir();
        index.close();
        index = null;
        milvus.close();
        log("Milvus Lite stopped for 60 s");
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> asked = new ArrayList<>();
        for (int i = 0; System.nanoTime() < end; i++) {
            String q = "q-outage-" + i;
            sendQuestion(q, "When does the backup of d" + (1 + i % 3) + " run?");
            asked.add(q);
            String id = i % 2 == 0 ? "d3" : "d8";
            long version = expected.getOrDefault(id, 0L) + 1;
            sendDocument(
                    id,
                    version,
                    "Document "
                            + id
                            + " version "
                            + version
                            + " says the backup runs at "
                            + i
                            + " o'clock.");
            expected.put(id, version);
            long tickEnd = Math.min(end, System.nanoTime() + Duration.ofSeconds(10).toNanos());
            while (System.nanoTime() < tickEnd) { // the outage lasts its length
                assertThat(cluster.jobManager().isAlive())
                        .as("jobmanager alive during the Milvus outage")
                        .isTrue();
                Thread.sleep(500);
            }
        }
        milvus = MilvusLite.start(data, port);
        index = new StoredChunks(milvus.uri(), GemragOptions.MILVUS_ALIAS.defaultValue());
        log(
                "Milvus Lite back on port "
                        + port
                        + " after 60 s; "
                        + asked.size()
                        + " questions asked meanwhile");
        await(
                "Milvus converged to " + expected + " after the Milvus outage",
                () -> converged(),
                tm2);
        Map<String, String> answers = awaitAnswers(Set.copyOf(asked), tm2);
        log(
                "answers to questions asked during the outage: "
                        + asked.stream().map(answers::get).toList());
        assertThat(answers.values())
                .allSatisfy(
                        a ->
                                assertThat(a)
                                        .isNotBlank()
                                        .doesNotContain("Exception")
                                        .doesNotContain("DEADLINE")
                                        .doesNotContain("grpc"));
        await("job running after the Milvus outage", () -> "RUNNING".equals(stateOrNull()), tm2);
        log("Milvus outage done");
    }

    private static long modelLoads(FlinkProcess tm) throws java.io.IOException {
        return Files.readAllLines(tm.log(), StandardCharsets.UTF_8).stream()
                .filter(l -> l.matches(".*model .* loaded in .*"))
                .count();
    }

    /**
     * The docker-compose.yml Flink settings that do not name hosts, ports, paths or container
     * memory sizes: the same classloading, metrics reporter and restart strategy as the Docker
     * stack.
     */
    private static Map<String, String> composeSettings() {
        Map<String, String> out = new HashMap<>();
        DeployFilesTest.flinkProperties(RepoFiles.root())
                .forEach(
                        (k, v) -> {
                            if (k.startsWith("classloader.")
                                    || k.equals("metrics.reporter.prom.factory.class")
                                    || k.startsWith("restart-strategy.")) {
                                out.put(k, v);
                            }
                        });
        assertThat(out)
                .containsKeys(
                        "classloader.parent-first-patterns.additional",
                        "metrics.reporter.prom.factory.class",
                        "restart-strategy.type");
        return out;
    }

    private volatile String lastSeen = "";

    private boolean converged() {
        Map<String, Long> state = milvusState();
        long chunks = index.chunks();
        lastSeen = state + ", " + chunks + " chunks";
        return state.equals(expected) && chunks == expected.size();
    }

    private Map<String, Long> milvusState() {
        Map<String, Long> state = new HashMap<>();
        for (String id : List.of("d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8")) {
            for (StoredChunks.StoredChunk c : index.chunksOf(id)) {
                state.merge(id, c.docVersion(), Math::max);
            }
        }
        return state;
    }

    private long restarts() throws Exception {
        String n = cluster.rest().jobMetric(jobId, "numRestarts");
        return n == null ? 0 : Long.parseLong(n);
    }

    /**
     * Running again for real: every vertex RUNNING and a checkpoint completed after the one
     * restored (the REST API caches the job's graph for a few seconds, so RUNNING alone may still
     * be the old attempt).
     */
    private void awaitRunningAfterRestore(FlinkProcess tm, long restoredAfter) throws Exception {
        await(
                "job running again from its checkpoint",
                () -> {
                    JsonNode latest = cluster.rest().checkpoints(jobId).path("latest");
                    long restored = latest.path("restored").path("id").asLong(-1);
                    return restored >= 0
                            && latest.path("completed").path("id").asLong(-1) > restored
                            && latest.path("restored").path("restore_timestamp").asLong(0)
                                    > restoredAfter
                            && FlinkRestClient.fullyRunning(cluster.rest().job(jobId));
                },
                tm);
    }

    private long awaitCheckpointAfter(long id, FlinkProcess tm) throws Exception {
        long[] latest = {-1};
        await(
                "a completed checkpoint",
                () -> {
                    latest[0] =
                            cluster.rest()
                                    .checkpoints(jobId)
                                    .path("latest")
                                    .path("completed")
                                    .path("id")
                                    .asLong(-1);
                    return latest[0] > id;
                },
                tm);
        // One more, so that the documents seen in Milvus are surely covered by a completed
        // checkpoint.
        long first = latest[0];
        await(
                "a second completed checkpoint",
                () -> {
                    latest[0] =
                            cluster.rest()
                                    .checkpoints(jobId)
                                    .path("latest")
                                    .path("completed")
                                    .path("id")
                                    .asLong(-1);
                    return latest[0] > first;
                },
                tm);
        return latest[0];
    }

    private Map<String, String> awaitAnswers(Set<String> ids, FlinkProcess tm) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-answers-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Map<String, String> answers = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic(GemragOptions.TOPIC_ANSWERS)));
            await(
                    "answers to " + ids,
                    () -> {
                        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                            JsonNode a = JSON.readTree(r.value());
                            answers.put(a.path("question_id").asText(), a.path("answer").asText());
                        }
                        return answers.keySet().containsAll(ids);
                    },
                    tm);
        }
        return answers;
    }

    private void sendDocument(String id, long version, String text) throws Exception {
        sendDocumentAsync(id, version, text).get();
    }

    /** Without waiting: while the broker is down the producer holds it (up to 5 min). */
    private java.util.concurrent.Future<?> sendDocumentAsync(String id, long version, String text) {
        String json =
                JSON.createObjectNode()
                        .put("id", id)
                        .put("version", version)
                        .put("title", "note " + id)
                        .put("text", text)
                        .toString();
        return send(new ProducerRecord<>(topic(GemragOptions.TOPIC_DOCUMENTS), id, json));
    }

    private void sendQuestion(String id, String question) throws Exception {
        sendQuestionAsync(id, question).get();
    }

    private java.util.concurrent.Future<?> sendQuestionAsync(String id, String question) {
        String json = JSON.createObjectNode().put("id", id).put("question", question).toString();
        return send(new ProducerRecord<>(topic(GemragOptions.TOPIC_QUESTIONS), id, json));
    }

    private java.util.concurrent.Future<?> send(ProducerRecord<String, String> record) {
        return sender.submit(() -> producer.send(record).get());
    }

    private static String topic(org.apache.flink.configuration.ConfigOption<String> option) {
        return option.defaultValue();
    }

    /**
     * Polls until the condition holds; fails early with the logs when the job fails or the
     * jobmanager dies.
     */
    private void await(String what, Callable<Boolean> condition, FlinkProcess tm) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            if (!cluster.jobManager().isAlive()) {
                throw new AssertionError(
                        "the jobmanager died while waiting for "
                                + what
                                + "\n"
                                + StandaloneFlinkCluster.tail(cluster.jobManager().out(), 40));
            }
            if (jobId != null) {
                String state = stateOrNull();
                if ("FAILED".equals(state) || "CANCELED".equals(state)) {
                    throw new AssertionError(
                            "the job is "
                                    + state
                                    + " while waiting for "
                                    + what
                                    + "\n"
                                    + cluster.rest()
                                            .exceptions(jobId)
                                            .toPrettyString()
                                            .lines()
                                            .limit(40)
                                            .reduce("", (a, b) -> a + "\n" + b));
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError(
                "timed out after "
                        + WAIT.toSeconds()
                        + " s waiting for "
                        + what
                        + "; Milvus last seen: "
                        + lastSeen
                        + "\n--- sink metrics\n"
                        + sinkMetrics(tm)
                        + (last == null ? "" : " (last error: " + last + ")")
                        + "\n--- "
                        + tm
                        + "\n"
                        + StandaloneFlinkCluster.tail(tm.log(), 30)
                        + "\n--- jobmanager\n"
                        + StandaloneFlinkCluster.tail(cluster.jobManager().log(), 30));
    }

    /**
     * The Milvus writer's counters from the taskmanager's Prometheus endpoint (for failure
     * messages).
     */
    private String sinkMetrics(FlinkProcess tm) {
        try {
            return cluster.rest()
                    .getText("http://127.0.0.1:" + tm.prometheusPort() + "/")
                    .lines()
                    .filter(
                            l ->
                                    !l.startsWith("#")
                                            && (l.contains("rowsUpserted")
                                                    || l.contains("_flushes")
                                                    || l.contains("deleteRequests")))
                    .reduce("", (a, b) -> a + b + "\n");
        } catch (Exception e) {
            return "(unavailable: " + e + ")";
        }
    }

    private String stateOrNull() {
        try {
            return cluster.rest().job(jobId).path("state").asText();
        } catch (Exception e) {
            return null;
        }
    }

    private void log(String step) {
        System.out.printf("[cluster-it %5.1f s] %s%n", (System.nanoTime() - started) / 1e9, step);
    }
}
