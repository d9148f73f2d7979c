package dev.gemrag.operators.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.kafka.KafkaSinks;
import dev.gemrag.connectors.kafka.KafkaSources;
import dev.gemrag.connectors.kafka.StartingOffsets;
import dev.gemrag.connectors.local.kafka.LocalKafkaBroker;
import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.json.AnswerJson;
import dev.gemrag.connectors.records.json.DeadLetterJson;
import dev.gemrag.connectors.records.json.RecordLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real broker and a Flink MiniCluster: a corpus with one bad record of each kind, interleaved
 * with good ones, goes through source -> parse; every bad record lands on the dead-letter topic
 * with its reason and raw bytes, every good one passes, the deadLetters metric counts them, and the
 * job keeps running.
 */
class ParseDeadLettersIT {
    private static final String DOCS = "documents";
    private static final String QUESTIONS = "questions";
    private static final String ANSWERS = "answers";
    private static final String DEAD = "dead-letters";
    private static final Duration WAIT =
            Duration.ofMinutes(3); // generous: the machine may be saturated

    private static LocalKafkaBroker kafka;
    private static KafkaProducer<byte[], byte[]> producer;

    /** Where each produced record went, and what its dead letter must say (null = must pass). */
    private record Sent(
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            String reasonPart) {}

    private final List<Sent> sent = new ArrayList<>();

    @BeforeAll
    static void startKafka() {
        kafka = LocalKafkaBroker.start();
        kafka.createTopics(2, DOCS);
        kafka.createTopics(1, QUESTIONS, ANSWERS, DEAD);
        Properties p = kafka.clientProperties();
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopKafka() {
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void badRecordsBecomeDeadLettersAndTheJobKeepsRunning() throws Exception {
        // Documents: good and bad interleaved, one bad record per rule.
        doc(
                "d1",
                "{\"id\":\"d1\",\"version\":5,\"title\":\"One\",\"text\":\"first\",\"acl\":[\"g1\"],\"metadata\":{\"k\":1}}",
                null);
        doc(
                "b-unknown",
                "{\"id\":\"b-unknown\",\"text\":\"x\",\"colour\":\"red\"}",
                "unknown field 'colour'");
        doc(null, "{\"text\":\"no id\"}", "missing field 'id'");
        doc("d2", "{\"id\":\"d2\",\"text\":\"second ✓\"}", null);
        doc("b-empty", "{\"id\":\"b-empty\",\"text\":\"\"}", "field 'text' is empty");
        doc(
                "b-num",
                "{\"id\":\"b-num\",\"text\":42}",
                "field 'text' must be a string, got integer");
        doc(
                "b-acl",
                "{\"id\":\"b-acl\",\"text\":\"x\",\"acl\":\"admins\"}",
                "field 'acl' must be an array of strings, got string");
        doc("d3", "{\"id\":\"d3\",\"deleted\":true}", null);
        doc(
                "b-long",
                "{\"id\":\"b-long\",\"text\":\"" + "y".repeat(5000) + "\"}",
                "field 'text' is 5000 bytes, more than the limit of 4096");
        docBytes(
                "b-utf8".getBytes(StandardCharsets.UTF_8),
                concat(
                        "{\"id\":\"b-utf8\",\"text\":\"caf".getBytes(StandardCharsets.UTF_8),
                        new byte[] {(byte) 0xC3, 0x28},
                        "\"}".getBytes(StandardCharsets.UTF_8)),
                "invalid UTF-8 in value at byte 26");
        doc("b-json", "{\"id\":\"b-json\",\"text\":", "bad JSON: ");
        doc("d4", null, null); // tombstone
        doc(
                "other-key",
                "{\"id\":\"b-key\",\"text\":\"x\"}",
                "key 'other-key' does not match field 'id' 'b-key'");
        doc(null, null, "tombstone (null value) without a key");
        doc(
                "b-version",
                "{\"id\":\"b-version\",\"text\":\"x\",\"version\":-3}",
                "field 'version' must be a non-negative 64-bit integer");
        doc("d5", "{\"id\":\"d5\",\"text\":\"fifth\",\"version\":null}", null);
        // Questions.
        question(
                "{\"id\":\"q1\",\"question\":\"what is first?\",\"groups\":[\"g1\"],\"top_k\":3}",
                null);
        question("{\"id\":\"q-bad\",\"question\":\"\"}", "field 'question' is empty");
        question(
                "{\"id\":\"q-type\",\"question\":\"x\",\"top_k\":\"many\"}",
                "field 'top_k' must be an integer from 1 to 100, got string");
        question("{\"id\":\"q2\",\"question\":\"and second?\"}", null);
        producer.flush();

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // a Kryo fallback anywhere fails the job
        conf.setString(
                "metrics.reporter.capture.factory.class", CapturingMetricReporter.class.getName());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        env.enableCheckpointing(500);

        var documents =
                ParsedStreams.documents(
                        env.fromSource(
                                KafkaSources.documents()
                                        .setBootstrapServers(kafka.bootstrapServers())
                                        .setTopics(DOCS)
                                        .setGroupId("it-index")
                                        .setStartingOffsets(StartingOffsets.EARLIEST)
                                        .setLimits(RecordLimits.defaults().withMaxTextBytes(4096))
                                        .build(),
                                WatermarkStrategy.noWatermarks(),
                                "documents"));
        var questions =
                ParsedStreams.questions(
                        env.fromSource(
                                KafkaSources.questions()
                                        .setBootstrapServers(kafka.bootstrapServers())
                                        .setTopics(QUESTIONS)
                                        .setGroupId("it-query")
                                        .build(),
                                WatermarkStrategy.noWatermarks(),
                                "questions"));

        CollectingSink<DocumentEvent> validDocs = new CollectingSink<>("valid-documents");
        documents.valid().sinkTo(validDocs);
        // The answer step here only echoes: this test is about the wire, not the model.
        questions
                .valid()
                .map(
                        q ->
                                new Answer(
                                        q.id(),
                                        "echo: " + q.question(),
                                        List.of(),
                                        "echo",
                                        Map.of("total", 0L)),
                        TypeInformation.of(Answer.class))
                .sinkTo(
                        KafkaSinks.answers()
                                .setBootstrapServers(kafka.bootstrapServers())
                                .setTopic(ANSWERS)
                                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                                .setTransactionalIdPrefix("it-answers")
                                .build());
        documents
                .deadLetters()
                .union(questions.deadLetters())
                .sinkTo(
                        KafkaSinks.deadLetters()
                                .setBootstrapServers(kafka.bootstrapServers())
                                .setTopic(DEAD)
                                .build());

        JobClient job = env.executeAsync("parse-dead-letters-it");
        try {
            List<Sent> bad = sent.stream().filter(s -> s.reasonPart != null).toList();
            Map<String, DeadLetter> dead = new HashMap<>();
            List<ConsumerRecord<byte[], byte[]>> answers = new ArrayList<>();
            try (var deadConsumer = consumer(false);
                    var answerConsumer = consumer(true)) {
                deadConsumer.subscribe(List.of(DEAD));
                answerConsumer.subscribe(List.of(ANSWERS));
                waitUntil(
                        () -> {
                            poll(deadConsumer, dead);
                            answerConsumer.poll(Duration.ofMillis(100)).forEach(answers::add);
                            return dead.size() >= bad.size()
                                    && answers.size() >= 2
                                    && validDocs.collected().size() >= 5;
                        },
                        "dead letters "
                                + dead.keySet()
                                + ", answers "
                                + answers.size()
                                + ", docs "
                                + validDocs.collected().size());
                // Every bad record: on the dead-letter topic, at its original place, raw bytes
                // intact, reason named.
                assertThat(dead).hasSize(bad.size());
                for (Sent s : bad) {
                    DeadLetter d = dead.get(s.topic + "-" + s.partition + "@" + s.offset);
                    assertThat(d).as("dead letter for %s", s).isNotNull();
                    assertThat(d.reason()).as("reason for %s", s).contains(s.reasonPart);
                    assertThat(d.key()).isEqualTo(s.key);
                    assertThat(d.value()).isEqualTo(s.value);
                    assertThat(d.stage()).isEqualTo("parse");
                }

                // Every good record passed, with its version: given, else the offset.
                Map<String, DocumentEvent> byId = new LinkedHashMap<>();
                validDocs.collected().forEach(e -> byId.put(e.id(), e));
                assertThat(byId.keySet()).containsExactlyInAnyOrder("d1", "d2", "d3", "d4", "d5");
                assertThat(byId.get("d1").version()).isEqualTo(5);
                assertThat(byId.get("d1").upsert.acl()).containsExactly("g1");
                assertThat(byId.get("d2").upsert.text()).isEqualTo("second ✓");
                assertThat(byId.get("d2").version()).isEqualTo(offsetOf("d2"));
                assertThat(byId.get("d3").isDelete()).isTrue();
                assertThat(byId.get("d4").isDelete()).isTrue();
                assertThat(byId.get("d4").version()).isEqualTo(offsetOf("d4"));
                assertThat(byId.get("d5").version()).isEqualTo(offsetOf("d5"));

                // Answers: committed (read_committed consumer), keyed by question id.
                Map<String, Answer> answerById = new HashMap<>();
                for (var r : answers) {
                    Answer a = AnswerJson.parse(r.value());
                    assertThat(new String(r.key(), StandardCharsets.UTF_8))
                            .isEqualTo(a.questionId());
                    answerById.put(a.questionId(), a);
                }
                assertThat(answerById.keySet()).containsExactlyInAnyOrder("q1", "q2");
                assertThat(answerById.get("q1").answer()).isEqualTo("echo: what is first?");

                assertThat(CapturingMetricReporter.deadLetterCount()).isEqualTo(bad.size());
                assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
                // Still running: a later bad and good record flow through as well.
                int before = validDocs.collected().size();
                doc("b-late", "{\"id\":\"b-late\"}", "missing field 'text'");
                doc("d6", "{\"id\":\"d6\",\"text\":\"late\"}", null);
                producer.flush();
                Sent late = sent.get(sent.size() - 2);
                waitUntil(
                        () -> {
                            poll(deadConsumer, dead);
                            return dead.containsKey(
                                            late.topic + "-" + late.partition + "@" + late.offset)
                                    && validDocs.collected().size() > before;
                        },
                        "late records");
                assertThat(dead.get(late.topic + "-" + late.partition + "@" + late.offset).reason())
                        .isEqualTo("missing field 'text'");
                assertThat(validDocs.collected().get(validDocs.collected().size() - 1).id())
                        .isEqualTo("d6");
                assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

                // Offsets are committed under the group on checkpoints: everything read so far.
                // (The source's
                // consumer completes its async commits on its next poll, which idles up to 10 s on
                // a quiet topic.)
                long end = sent.stream().filter(x -> x.topic.equals(DOCS)).count();
                waitUntil(
                        () -> committed("it-index") == end,
                        "committed offsets of it-index to reach " + end);
            }
        } finally {
            job.cancel().get();
        }

        // A new job with the same group resumes after the committed offsets: only the new record is
        // read.
        doc("d7", "{\"id\":\"d7\",\"text\":\"after restart\"}", null);
        producer.flush();
        StreamExecutionEnvironment env2 =
                StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        CollectingSink<DocumentEvent> resumed = new CollectingSink<>("resumed-documents");
        ParsedStreams.documents(
                        env2.fromSource(
                                KafkaSources.documents()
                                        .setBootstrapServers(kafka.bootstrapServers())
                                        .setTopics(DOCS)
                                        .setGroupId("it-index")
                                        .setBounded(true)
                                        .build(),
                                WatermarkStrategy.noWatermarks(),
                                "documents"))
                .valid()
                .sinkTo(resumed);
        env2.execute("resume-it"); // bounded: ends at the latest offsets
        assertThat(resumed.collected()).extracting(DocumentEvent::id).containsExactly("d7");
    }

    /** Sum of the committed offsets of a group on the documents topic. */
    private static long committed(String group) {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(kafka.clientProperties())) {
            return admin
                    .listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .values()
                    .stream()
                    .filter(java.util.Objects::nonNull)
                    .mapToLong(o -> o.offset())
                    .sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long offsetOf(String key) {
        return sent.stream()
                .filter(s -> s.key != null && new String(s.key, StandardCharsets.UTF_8).equals(key))
                .findFirst()
                .orElseThrow()
                .offset;
    }

    private void doc(String key, String value, String reasonPart) throws Exception {
        docBytes(
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                reasonPart);
    }

    private void docBytes(byte[] key, byte[] value, String reasonPart) throws Exception {
        // Keyless records go to partition 0 explicitly; keyed ones are partitioned by key as in
        // production.
        ProducerRecord<byte[], byte[]> r =
                key == null
                        ? new ProducerRecord<>(DOCS, 0, null, value)
                        : new ProducerRecord<>(DOCS, key, value);
        RecordMetadata m = producer.send(r).get();
        sent.add(new Sent(DOCS, m.partition(), m.offset(), key, value, reasonPart));
    }

    private void question(String value, String reasonPart) throws Exception {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        RecordMetadata m = producer.send(new ProducerRecord<>(QUESTIONS, null, v)).get();
        sent.add(new Sent(QUESTIONS, m.partition(), m.offset(), null, v, reasonPart));
    }

    private static KafkaConsumer<byte[], byte[]> consumer(boolean readCommitted) {
        Properties p = kafka.clientProperties();
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "it-check-" + System.nanoTime());
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (readCommitted) {
            p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void poll(KafkaConsumer<byte[], byte[]> c, Map<String, DeadLetter> into) {
        for (var r : c.poll(Duration.ofMillis(100))) {
            try {
                DeadLetter d = DeadLetterJson.parse(r.value());
                into.put(d.topic() + "-" + d.partition() + "@" + d.offset(), d);
            } catch (Exception e) {
                throw new AssertionError(
                        "dead-letter topic holds a record that is not dead-letter JSON", e);
            }
        }
    }

    private static void waitUntil(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out after " + WAIT.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
