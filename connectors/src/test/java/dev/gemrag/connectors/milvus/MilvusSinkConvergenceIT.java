package dev.gemrag.connectors.milvus;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
 * The whole path: a seeded random stream of upserts (1..9 chunks, changing text) and deletes (tombstones
 * and {"deleted":true}) over 50 documents in Kafka, a Flink MiniCluster job (KafkaSource -> parse ->
 * keyBy doc -> fake embeddings -> MilvusSink) run once, then replayed from the middle of the topic as after
 * a failure. Both times Milvus must hold exactly the last event of every document: ids, versions, texts,
 * chunk counts; no duplicates, no stale chunks.
 */
class MilvusSinkConvergenceIT {
    static final String TOPIC = "documents";
    static final String MODEL = "test/fake-hash-embedder";
    static final int DIM = 16;
    static final int DOCS = 50;
    static final int EVENTS = 400;

    @TempDir
    static Path tmp;
    static LocalKafkaBroker kafka;
    static MilvusLite milvus;
    static MilvusClientV2 client;

    /** What the last event per document implies: doc id -> [version, chunk texts...]; deleted docs absent. */
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
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1"); // async sends, still in order
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>();
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
                    value = json.writeValueAsBytes(json.createObjectNode().put("id", id).put("deleted", true));
                } else {
                    int chunks = 1 + rnd.nextInt(9);
                    for (int c = 0; c < chunks; c++) {
                        paragraphs.add(id + " event " + n + " paragraph " + c + " " + Long.toHexString(rnd.nextLong()));
                    }
                    ObjectNode doc = json.createObjectNode().put("id", id).put("title", "Title " + id)
                            .put("text", String.join("\n\n", paragraphs));
                    doc.putArray("acl").add("group-" + rnd.nextInt(3));
                    value = json.writeValueAsBytes(doc);
                }
                sent.add(producer.send(new ProducerRecord<>(TOPIC, id.getBytes(StandardCharsets.UTF_8), value)));
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
                expectedVersion.put(ids.get(n), offset); // no "version" field: the offset is the version
            }
        }
    }

    static void runJob(long startOffset, int batchRows) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        KafkaSource<ParsedDocument> source = KafkaSource.<ParsedDocument>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(TOPIC)
                .setGroupId("convergence-" + startOffset)
                .setStartingOffsets(OffsetsInitializer.offsets(Map.of(new TopicPartition(TOPIC, 0), startOffset)))
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(new DocumentDeserializer(RecordLimits.defaults()))
                .build();
        MilvusSink sink = MilvusSink.builder()
                .setUri(milvus.uri())
                .setCollection(CollectionSpec.builder(MODEL, DIM).build())
                .setBatchMaxRows(batchRows)
                .setBatchMaxInterval(Duration.ofMillis(200))
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "documents").setParallelism(1)
                // same parallelism as the source (forward, chained): a rebalance before keyBy would reorder a
                // document's events
                .filter(ParsedDocument::isValid).setParallelism(1)
                .map(d -> d.event).returns(DocumentEvent.class).setParallelism(1)
                .keyBy(DocumentEvent::id)
                .map(new ParagraphChunker(MODEL, DIM)).returns(TypeInformation.of(IndexAction.class))
                .sinkTo(sink).setParallelism(1).name("milvus"); // Milvus Lite: one writer per collection
        env.execute("milvus-convergence-from-" + startOffset);
    }

    static void assertCollectionIsTheLastEventPerDocument() {
        String collection = CollectionSpec.builder(MODEL, DIM).build().collectionName();
        List<Row> rows = CollectionContents.rows(client, collection);
        assertThat(rows).extracting(Row::chunkId).doesNotHaveDuplicates();
        Map<String, List<Row>> byDoc = CollectionContents.byDoc(rows);
        assertThat(byDoc.keySet()).isEqualTo(expected.keySet());
        expected.forEach((id, paragraphs) -> {
            List<Row> chunks = byDoc.get(id);
            assertThat(chunks).as(id).extracting(Row::text).containsExactlyElementsOf(paragraphs);
            assertThat(chunks).as(id).extracting(Row::docVersion).containsOnly(expectedVersion.get(id));
            for (int i = 0; i < chunks.size(); i++) {
                assertThat(chunks.get(i).chunkId()).isEqualTo(id + "#" + i);
                assertThat(chunks.get(i).chunkIndex()).isEqualTo(i);
            }
        });
    }

    @Test
    void runThenReplayFromTheMiddleConvergesToTheLastEventPerDocument() throws Exception {
        assertThat(expected).hasSizeBetween(10, DOCS); // the stream deletes some documents, keeps most
        runJob(0, 50);
        assertCollectionIsTheLastEventPerDocument();
        // as after a failure: a second job re-reads the second half (different batch boundaries)
        runJob(EVENTS / 2, 7);
        assertCollectionIsTheLastEventPerDocument();
    }
}
