package dev.gemrag.connectors.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.connectors.kafka.DocumentDeserializer;
import dev.gemrag.connectors.kafka.ParsedDocument;
import dev.gemrag.connectors.local.kafka.LocalKafkaBroker;
import dev.gemrag.connectors.local.milvus.MilvusLite;
import dev.gemrag.connectors.milvus.CollectionContents.Row;
import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.IndexAction;
import dev.gemrag.connectors.records.json.RecordLimits;
import io.milvus.v2.client.MilvusClientV2;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path: a seeded random stream of upserts (1..9 chunks, changing text) and deletes
 * (tombstones and {"deleted":true}) over 50 documents in Kafka, a Flink MiniCluster job
 * (KafkaSource -> parse -> keyBy doc -> fake embeddings -> MilvusSink) run once, then replayed from
 * the middle of the topic as after a failure. Both times Milvus must hold exactly the last event of
 * every document: ids, versions, texts, chunk counts; no duplicates, no stale chunks.
 */
class MilvusSinkConvergenceIT {
    static final String TOPIC = "documents";
    static final String MODEL = "test/fake-hash-embedder";
    static final int DIM = 16;
    static final int DOCS = 50;
    static final int EVENTS = 400;

    /** Deadline of every condition wait: generous, the machine may be saturated. */
    static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir static Path tmp;
    static LocalKafkaBroker kafka;
    static MilvusLite milvus;
    static MilvusClientV2 client;

    /**
     * What the last event per document implies: doc id -> [version, chunk texts...]; deleted docs
     * absent.
     */
    static final Map<String, List<String>> expected = new TreeMap<>();

    static final Map<String, Long> expectedVersion = new TreeMap<>();

    @BeforeAll
    static void start() throws Exception {
        kafka = LocalKafkaBroker.start();
        kafka.createTopics(1, TOPIC);
        milvus = MilvusLite.start(tmp.resolve("milvus"));
        client = MilvusConnection.of(milvus.uri()).connect();
        produceStream();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (milvus != null) {
            milvus.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static String docId(int i) {
        // a few ids that would break a naively built delete expression
        return switch (i) {
            case 0 -> "quote\"d";
            case 1 -> "back\\slash";
            case 2 -> "x\" or doc_id != \"";
            case 3 -> "文档-3";
            default -> "doc-" + i;
        };
    }

    static void produceStream() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Random rnd = new Random(20261124L);
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                "1"); // async sends, still in order
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent =
                new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<List<String>> contents = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int n = 0; n < EVENTS; n++) {
                String id = docId(rnd.nextInt(DOCS));
                int kind = rnd.nextInt(10);
                byte[] value;
                List<String> paragraphs = new ArrayList<>();
                if (kind == 0) {
                    value = null; // tombstone
                } else if (kind == 1) {
                    value =
                            json.writeValueAsBytes(
                                    json.createObjectNode().put("id", id).put("deleted", true));
                } else {
                    int chunks = 1 + rnd.nextInt(9);
                    for (int c = 0; c < chunks; c++) {
                        paragraphs.add(
                                id
                                        + " event "
                                        + n
                                        + " paragraph "
                                        + c
                                        + " "
                                        + Long.toHexString(rnd.nextLong()));
                    }
                    ObjectNode doc =
                            json.createObjectNode()
                                    .put("id", id)
                                    .put("title", "Title " + id)
                                    .put("text", String.join("\n\n", paragraphs));
                    doc.putArray("acl").add("group-" + rnd.nextInt(3));
                    value = json.writeValueAsBytes(doc);
                }
                sent.add(
                        producer.send(
                                new ProducerRecord<>(
                                        TOPIC, id.getBytes(StandardCharsets.UTF_8), value)));
                ids.add(id);
                contents.add(paragraphs);
            }
            producer.flush();
        }
        for (int n = 0; n < EVENTS; n++) {
            long offset = sent.get(n).get().offset();
            if (contents.get(n).isEmpty()) {
                expected.remove(ids.get(n));
                expectedVersion.remove(ids.get(n));
            } else {
                expected.put(ids.get(n), contents.get(n));
                expectedVersion.put(
                        ids.get(n), offset); // no "version" field: the offset is the version
            }
        }
    }

    static void runJob(long startOffset, int batchRows) throws Exception {
        job(
                        milvus.uri(),
                        MODEL,
                        OffsetsInitializer.offsets(
                                Map.of(new TopicPartition(TOPIC, 0), startOffset)),
                        "convergence-" + startOffset,
                        batchRows,
                        0,
                        Duration.ofSeconds(30),
                        6)
                .execute("milvus-convergence-from-" + startOffset);
    }

    /**
     * KafkaSource -> parse -> keyBy doc -> chunk + fake-embed -> MilvusSink, no restarts (a failure
     * ends the job).
     */
    static StreamExecutionEnvironment job(
            String milvusUri,
            String model,
            OffsetsInitializer start,
            String groupId,
            int batchRows,
            long sleepPerRecordMs,
            Duration requestTimeout,
            int retries) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return job(
                conf,
                milvusUri,
                model,
                start,
                groupId,
                batchRows,
                sleepPerRecordMs,
                requestTimeout,
                retries);
    }

    static StreamExecutionEnvironment job(
            Configuration conf,
            String milvusUri,
            String model,
            OffsetsInitializer start,
            String groupId,
            int batchRows,
            long sleepPerRecordMs,
            Duration requestTimeout,
            int retries) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        KafkaSource<ParsedDocument> source =
                KafkaSource.<ParsedDocument>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopics(TOPIC)
                        .setGroupId(groupId)
                        .setStartingOffsets(start)
                        .setBounded(OffsetsInitializer.latest())
                        .setDeserializer(new DocumentDeserializer(RecordLimits.defaults()))
                        .build();
        MilvusSink sink =
                MilvusSink.builder()
                        .setConnection(
                                MilvusConnection.of(milvusUri).withRequestTimeout(requestTimeout))
                        .setCollection(
                                CollectionSpec.builder(model, DIM)
                                        .alias("alias_" + Math.abs(model.hashCode()))
                                        .build())
                        .setBatchMaxRows(batchRows)
                        .setBatchMaxInterval(Duration.ofMillis(200))
                        .setRetries(retries, Duration.ofMillis(100), Duration.ofMillis(400))
                        .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "documents")
                .setParallelism(1)
                // same parallelism as the source (forward, chained): a rebalance before keyBy would
                // reorder a
                // document's events
                .filter(ParsedDocument::isValid)
                .setParallelism(1)
                .map(new Slow(sleepPerRecordMs))
                .setParallelism(1)
                .keyBy(DocumentEvent::id)
                .map(new ParagraphChunker(model, DIM))
                .returns(TypeInformation.of(IndexAction.class))
                .sinkTo(sink)
                .setParallelism(1)
                .name("milvus"); // Milvus Lite: one writer per collection
        return env;
    }

    /** Unwraps the event, optionally slowly (so a test can pull Milvus away mid-job). */
    static final class Slow implements MapFunction<ParsedDocument, DocumentEvent> {
        private final long sleepMs;

        Slow(long sleepMs) {
            this.sleepMs = sleepMs;
        }

        @Override
        public DocumentEvent map(ParsedDocument d) throws Exception {
            if (sleepMs > 0) {
                Thread.sleep(sleepMs);
            }
            return d.event;
        }
    }

    static void assertCollectionIsTheLastEventPerDocument() {
        assertCollectionIsTheLastEventPerDocument(client, MODEL);
    }

    static void assertCollectionIsTheLastEventPerDocument(MilvusClientV2 client, String model) {
        String collection = CollectionSpec.builder(model, DIM).build().collectionName();
        List<Row> rows = CollectionContents.rows(client, collection);
        assertThat(rows).extracting(Row::chunkId).doesNotHaveDuplicates();
        Map<String, List<Row>> byDoc = CollectionContents.byDoc(rows);
        assertThat(byDoc.keySet()).isEqualTo(expected.keySet());
        expected.forEach(
                (id, paragraphs) -> {
                    List<Row> chunks = byDoc.get(id);
                    assertThat(chunks)
                            .as(id)
                            .extracting(Row::text)
                            .containsExactlyElementsOf(paragraphs);
                    assertThat(chunks)
                            .as(id)
                            .extracting(Row::docVersion)
                            .containsOnly(expectedVersion.get(id));
                    for (int i = 0; i < chunks.size(); i++) {
                        assertThat(chunks.get(i).chunkId()).isEqualTo(id + "#" + i);
                        assertThat(chunks.get(i).chunkIndex()).isEqualTo(i);
                    }
                });
    }

    @Test
    void aJobThatLosesMilvusFailsNamingTheCollectionAndTheNextRunFromItsCheckpointConverges()
            throws Exception {
        String model = "test/failover";
        String collection = CollectionSpec.builder(model, DIM).build().collectionName();
        // This test stops its server: it owns one, so a failure here cannot break the other tests.
        Path dataDir = tmp.resolve("failover-milvus");
        MilvusLite own = MilvusLite.start(dataDir);
        MilvusClientV2 ownClient = MilvusConnection.of(own.uri()).connect();
        try {
            // 100 ms per record: ~40 s for the topic, so Milvus goes away in the middle even on a
            // busy machine
            JobClient job =
                    job(
                                    own.uri(),
                                    model,
                                    OffsetsInitializer.committedOffsets(
                                            OffsetResetStrategy.EARLIEST),
                                    "failover",
                                    20,
                                    100,
                                    Duration.ofMillis(500),
                                    2)
                            .executeAsync("milvus-failover-1");
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (rowsOrZero(ownClient, collection) < 20) {
                assertThat(System.nanoTime()).as("rows reach Milvus").isLessThan(deadline);
                Thread.sleep(100);
            }
            int port = own.port();
            own.close();
            Throwable failure =
                    catchThrowable(
                            () ->
                                    job.getJobExecutionResult()
                                            .get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertThat(failure).isNotNull();
            String chain = messages(failure);
            assertThat(chain)
                    .contains(
                            "on collection '"
                                    + collection
                                    + "' still failing after 3 attempts, giving up");
            own = MilvusLite.start(dataDir, port);
            // the restarted job resumes from the offsets its last checkpoint committed, re-applies
            // what follows
            job(
                            own.uri(),
                            model,
                            OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST),
                            "failover",
                            20,
                            0,
                            Duration.ofSeconds(30),
                            6)
                    .execute("milvus-failover-2");
            assertCollectionIsTheLastEventPerDocument(ownClient, model);
        } finally {
            ownClient.close();
            own.close();
        }
    }

    /**
     * The TaskManager is terminated while a Milvus flush is in flight: a proxy between the sink and
     * Milvus holds Milvus' replies, so once a write request has reached Milvus (and taken effect)
     * the writer is stuck waiting for its answer: then the TaskManager goes, the proxy drops the
     * connection (as a dying process would), a new TaskManager joins, and the restart strategy
     * resumes the job from its last checkpoint. Milvus must end with exactly the last event of
     * every document: no stale chunk from the interrupted flush, no duplicate.
     */
    @Test
    void aTaskManagerKilledDuringAFlushRecoversAndConvergesToTheLastEventPerDocument()
            throws Exception {
        String model = "test/tm-killed";
        String collection = CollectionSpec.builder(model, DIM).build().collectionName();
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(4)
                                .build());
        try (HoldingTcpProxy proxy = new HoldingTcpProxy(milvus.port())) {
            cluster.start();
            // 50 ms per record: ~20 s for the topic, so the flush is caught well before the end of
            // the input
            StreamExecutionEnvironment env =
                    job(
                            conf,
                            "http://127.0.0.1:" + proxy.port(),
                            model,
                            OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST),
                            "tm-killed",
                            20,
                            50,
                            Duration.ofSeconds(30),
                            6);
            JobID jobId = cluster.submitJob(env.getStreamGraph()).get().getJobID();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (rowsOrZero(client, collection) < 20) {
                assertThat(System.nanoTime()).as("rows reach Milvus").isLessThan(deadline);
                assertThat(cluster.getJobStatus(jobId).get().isGloballyTerminalState())
                        .as("job still running")
                        .isFalse();
                Thread.sleep(100);
            }
            long rowsBefore = rowsOrZero(client, collection);
            proxy.holdReplies(512); // a write request of the sink, not a keep-alive ping (17 bytes)
            proxy.awaitHeldReply(WAIT);
            assertThat(cluster.getJobStatus(jobId).get())
                    .as("the job is mid-flush, not done")
                    .isEqualTo(JobStatus.RUNNING);

            java.util.concurrent.CompletableFuture<Void> gone = cluster.terminateTaskManager(0);
            proxy.cutAll(); // the dying writer's connection goes with it; its reply never arrives
            gone.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            proxy.release();
            cluster.startTaskManager();

            java.util.EnumSet<JobStatus> seen = java.util.EnumSet.noneOf(JobStatus.class);
            java.util.concurrent.CompletableFuture<org.apache.flink.runtime.jobmaster.JobResult>
                    result = cluster.requestJobResult(jobId);
            while (!result.isDone()) {
                assertThat(System.nanoTime())
                        .as("the job finishes after the restart")
                        .isLessThan(deadline + WAIT.toNanos());
                seen.add(cluster.getJobStatus(jobId).get());
                Thread.sleep(100);
            }
            assertThat(result.get().isSuccess())
                    .as("job result %s", result.get().getSerializedThrowable())
                    .isTrue();
            System.out.println(
                    "[tm-killed] rows before the kill: "
                            + rowsBefore
                            + ", job states seen after it: "
                            + seen);
            assertCollectionIsTheLastEventPerDocument(client, model);
        } finally {
            cluster.close();
        }
    }

    static int rowsOrZero(MilvusClientV2 client, String collection) {
        try {
            return CollectionContents.rows(client, collection).size();
        } catch (RuntimeException e) { // not created yet
            return 0;
        }
    }

    static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }

    @Test
    void runThenReplayFromTheMiddleConvergesToTheLastEventPerDocument() throws Exception {
        assertThat(expected)
                .hasSizeBetween(10, DOCS); // the stream deletes some documents, keeps most
        runJob(0, 50);
        assertCollectionIsTheLastEventPerDocument();
        // as after a failure: a second job re-reads the second half (different batch boundaries)
        runJob(EVENTS / 2, 7);
        assertCollectionIsTheLastEventPerDocument();
    }
}
