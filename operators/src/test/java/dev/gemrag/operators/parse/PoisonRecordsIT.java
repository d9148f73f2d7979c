package dev.gemrag.operators.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.connectors.kafka.KafkaSinks;
import dev.gemrag.connectors.kafka.KafkaSources;
import dev.gemrag.connectors.kafka.StartingOffsets;
import dev.gemrag.connectors.local.kafka.LocalKafkaBroker;
import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.Question;
import dev.gemrag.connectors.records.json.DeadLetterBudget;
import dev.gemrag.connectors.records.json.DeadLetterJson;
import dev.gemrag.connectors.records.json.RecordLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
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
 * Records at and just over every size limit, sent uncompressed and gzip-compressed through a real
 * broker into a Flink MiniCluster job (no restarts: one failure ends the job and the test): each
 * bad one becomes a dead letter that fits the dead-letter producer's default 1 MiB request limit,
 * written by an uncompressed and a zstd-compressed dead-letter sink, and the job keeps running.
 * Before the bound, the invalid-byte document made the dead-letter write throw
 * RecordTooLargeException and the job replayed it forever.
 */
class PoisonRecordsIT {
    private static final String DOCS = "documents";
    private static final String QUESTIONS = "questions";
    private static final String DEAD = "dead-letters";
    private static final String DEAD_ZSTD = "dead-letters-zstd";
    private static final Duration WAIT =
            Duration.ofMinutes(4); // generous: the machine may be saturated
    private static final int TEXT_LIMIT = RecordLimits.defaults().maxTextBytes(); // 1 MiB
    private static final int MAX_REQUEST = DeadLetterBudget.KAFKA_DEFAULT_MAX_REQUEST_BYTES;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalKafkaBroker kafka;

    /** A produced record and what its dead letter must say (null: it must pass). */
    private record Sent(
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            String reasonPart,
            boolean cut) {
        String place() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    private final List<Sent> sent = new ArrayList<>();

    @BeforeAll
    static void startKafka() {
        // the broker takes records up to 4 MiB, so records over the text limit can reach the job at
        // all
        kafka =
                LocalKafkaBroker.builder()
                        .brokerProperty("message.max.bytes", String.valueOf(4 * MAX_REQUEST))
                        .start();
        kafka.createTopics(1, DOCS, QUESTIONS, DEAD, DEAD_ZSTD);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void recordsAtAndOverEverySizeLimitBecomeBoundedDeadLettersAndTheJobKeepsRunning()
            throws Exception {
        for (String compression : List.of("none", "gzip")) {
            try (KafkaProducer<byte[], byte[]> p = producer(compression)) {
                sendPoison(p, "-" + compression);
            }
        }
        int good =
                (int)
                        sent.stream()
                                .filter(s -> s.reasonPart == null && s.topic.equals(DOCS))
                                .count();

        Configuration conf = new Configuration();
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY,
                "none"); // any failure is the test's failure
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.enableCheckpointing(500);
        var documents =
                ParsedStreams.documents(
                        env.fromSource(
                                KafkaSources.documents()
                                        .setBootstrapServers(kafka.bootstrapServers())
                                        .setTopics(DOCS)
                                        .setGroupId("poison-index")
                                        .setStartingOffsets(StartingOffsets.EARLIEST)
                                        .build(),
                                WatermarkStrategy.noWatermarks(),
                                "documents"));
        var questions =
                ParsedStreams.questions(
                        env.fromSource(
                                KafkaSources.questions()
                                        .setBootstrapServers(kafka.bootstrapServers())
                                        .setTopics(QUESTIONS)
                                        .setGroupId("poison-query")
                                        .setStartingOffsets(StartingOffsets.EARLIEST)
                                        .build(),
                                WatermarkStrategy.noWatermarks(),
                                "questions"));
        CollectingSink<DocumentEvent> validDocs = new CollectingSink<>("poison-valid-documents");
        documents.valid().sinkTo(validDocs);
        CollectingSink<Question> validQuestions = new CollectingSink<>("poison-valid-questions");
        questions.valid().sinkTo(validQuestions);
        DataStream<DeadLetter> dead = documents.deadLetters().union(questions.deadLetters());
        dead.sinkTo(
                KafkaSinks.deadLetters()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopic(DEAD)
                        .build());
        dead.sinkTo(
                KafkaSinks.deadLetters()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopic(DEAD_ZSTD)
                        .setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")
                        .build());

        JobClient job = env.executeAsync("poison-records-it");
        try (var plain = consumer();
                var zstd = consumer()) {
            plain.subscribe(List.of(DEAD));
            zstd.subscribe(List.of(DEAD_ZSTD));
            List<Sent> bad = sent.stream().filter(s -> s.reasonPart != null).toList();
            Map<String, ConsumerRecord<byte[], byte[]>> deadPlain = new HashMap<>();
            Map<String, ConsumerRecord<byte[], byte[]>> deadZstd = new HashMap<>();
            waitUntil(
                    job,
                    () -> {
                        poll(plain, deadPlain);
                        poll(zstd, deadZstd);
                        return deadPlain.size() >= bad.size()
                                && deadZstd.size() >= bad.size()
                                && validDocs.collected().size() >= good
                                && validQuestions.collected().size() >= 1;
                    },
                    () ->
                            "dead letters "
                                    + deadPlain.size()
                                    + "/"
                                    + deadZstd.size()
                                    + " of "
                                    + bad.size()
                                    + ", good documents "
                                    + validDocs.collected().size()
                                    + " of "
                                    + good);

            for (Map<String, ConsumerRecord<byte[], byte[]>> got : List.of(deadPlain, deadZstd)) {
                assertThat(got).hasSize(bad.size());
                for (Sent s : bad) {
                    ConsumerRecord<byte[], byte[]> r = got.get(s.place());
                    assertThat(r).as("dead letter for %s", s.place()).isNotNull();
                    checkDeadLetter(s, r);
                }
            }
            // the good records at the limit passed whole
            assertThat(validDocs.collected())
                    .extracting(DocumentEvent::id)
                    .containsExactlyInAnyOrder("at-limit-none", "at-limit-gzip");
            assertThat(validDocs.collected().get(0).upsert.text()).hasSize(TEXT_LIMIT);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

            // still running: a later record flows through
            try (KafkaProducer<byte[], byte[]> p = producer("none")) {
                send(
                        p,
                        DOCS,
                        "late",
                        "{\"id\":\"late\",\"text\":\"after the poison\"}"
                                .getBytes(StandardCharsets.UTF_8),
                        null,
                        false);
            }
            waitUntil(
                    job,
                    () -> validDocs.collected().stream().anyMatch(e -> e.id().equals("late")),
                    () -> "late doc");
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }
    }

    private void sendPoison(KafkaProducer<byte[], byte[]> p, String tag) throws Exception {
        // exactly the text limit, valid: passes whole (value = 1 MiB + the JSON around it)
        send(p, DOCS, "at-limit" + tag, doc("at-limit" + tag, ascii(TEXT_LIMIT)), null, false);
        // one byte over the text limit: a dead letter whose value (1 MiB + JSON) no longer fits
        send(
                p,
                DOCS,
                "over-limit" + tag,
                doc("over-limit" + tag, ascii(TEXT_LIMIT + 1)),
                "field 'text' is "
                        + (TEXT_LIMIT + 1)
                        + " bytes, more than the limit of "
                        + TEXT_LIMIT,
                true);
        // just under the text limit with one invalid byte: base64 in the dead letter, 1.33 MiB
        // (issue 11)
        byte[] bad = doc("bad-byte" + tag, ascii(TEXT_LIMIT - 100));
        bad[100] = (byte) 0xC3;
        bad[101] = (byte) 0x28;
        send(p, DOCS, "bad-byte" + tag, bad, "invalid UTF-8 in value at byte 100", true);
        // under every limit but doubled by JSON escaping: 600 KiB of quotes, an unknown field
        byte[] quotes =
                ("{\"id\":\"quotes"
                                + tag
                                + "\",\"colour\":1,\"text\":\""
                                + "\\\"".repeat(600 * 1024)
                                + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
        send(p, DOCS, "quotes" + tag, quotes, "unknown field 'colour'", true);
        // a 900 KB key that does not match the id: the key and the reason quoting it are cut too
        byte[] key = ascii(900_000).getBytes(StandardCharsets.US_ASCII);
        send(p, DOCS, key, doc("small" + tag, "text"), "does not match field 'id'", false);
        // just under the dead-letter limit, bad: kept whole
        int room = MAX_REQUEST - 4096;
        send(
                p,
                DOCS,
                "whole" + tag,
                ("{\"id\":\"whole" + tag + "\",\"text\":7,\"x\":\"" + ascii(room) + "\"}")
                        .getBytes(StandardCharsets.UTF_8),
                "unknown field 'x'",
                false);
        // a question asking for a group with a control character
        send(
                p,
                QUESTIONS,
                (byte[]) null,
                ("{\"id\":\"q-ctl"
                                + tag
                                + "\",\"question\":\"who?\",\"groups\":[\"st\\u0007aff\"]}")
                        .getBytes(StandardCharsets.UTF_8),
                "field 'groups[0]' contains control character U+0007",
                false);
        send(
                p,
                QUESTIONS,
                (byte[]) null,
                ("{\"id\":\"q-ok" + tag + "\",\"question\":\"who?\",\"groups\":[\"staff\"]}")
                        .getBytes(StandardCharsets.UTF_8),
                null,
                false);
    }

    private static void checkDeadLetter(Sent s, ConsumerRecord<byte[], byte[]> r) throws Exception {
        int size = (r.key() == null ? 0 : r.key().length) + r.value().length;
        assertThat(size).as("dead letter size of %s", s.place()).isLessThanOrEqualTo(MAX_REQUEST);
        JsonNode j = JSON.readTree(r.value());
        DeadLetter d = DeadLetterJson.parse(r.value());
        assertThat(d.reason())
                .as("reason of %s", s.place())
                .contains(s.reasonPart)
                .doesNotContain("\n");
        assertThat(d.stage()).isEqualTo("parse");
        assertThat(d.topic()).isEqualTo(s.topic);
        assertThat(d.partition()).isEqualTo(s.partition);
        assertThat(d.offset()).isEqualTo(s.offset);
        assertThat(j.path("value_truncated").asBoolean(false))
                .as("value cut for %s", s.place())
                .isEqualTo(s.cut);
        if (s.cut) {
            assertThat(j.get("value_size").asInt()).isEqualTo(s.value.length);
            assertThat(d.value().length).isLessThan(s.value.length);
            assertThat(d.value())
                    .isEqualTo(Arrays.copyOf(s.value, d.value().length)); // a true prefix
        } else {
            assertThat(d.value()).isEqualTo(s.value);
        }
        if (s.key != null && s.key.length > MAX_REQUEST / 8) {
            assertThat(j.get("key_truncated").asBoolean()).isTrue();
            assertThat(j.get("key_size").asInt()).isEqualTo(s.key.length);
            assertThat(d.key()).isEqualTo(Arrays.copyOf(s.key, d.key().length));
        } else {
            assertThat(d.key()).isEqualTo(s.key);
        }
    }

    private void send(
            KafkaProducer<byte[], byte[]> p,
            String topic,
            String key,
            byte[] value,
            String reason,
            boolean cut)
            throws Exception {
        send(p, topic, key.getBytes(StandardCharsets.UTF_8), value, reason, cut);
    }

    private void send(
            KafkaProducer<byte[], byte[]> p,
            String topic,
            byte[] key,
            byte[] value,
            String reason,
            boolean cut)
            throws Exception {
        RecordMetadata m = p.send(new ProducerRecord<>(topic, 0, key, value)).get();
        sent.add(new Sent(topic, m.partition(), m.offset(), key, value, reason, cut));
    }

    private static byte[] doc(String id, String text) {
        return ("{\"id\":\"" + id + "\",\"text\":\"" + text + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String ascii(int n) {
        return "a".repeat(n);
    }

    private static KafkaProducer<byte[], byte[]> producer(String compression) {
        Properties p = kafka.clientProperties();
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(4 * MAX_REQUEST));
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = kafka.clientProperties();
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "poison-check-" + System.nanoTime());
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void poll(
            KafkaConsumer<byte[], byte[]> c, Map<String, ConsumerRecord<byte[], byte[]>> into) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
            try {
                DeadLetter d = DeadLetterJson.parse(r.value());
                into.put(d.topic() + "-" + d.partition() + "@" + d.offset(), r);
            } catch (Exception e) {
                throw new AssertionError(
                        "the dead-letter topic holds a record that is not dead-letter JSON", e);
            }
        }
    }

    private static void waitUntil(
            JobClient job, BooleanSupplier done, java.util.function.Supplier<String> what)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            JobStatus status = job.getJobStatus().get();
            if (status.isGloballyTerminalState()) {
                Throwable cause = null;
                try {
                    job.getJobExecutionResult().get();
                } catch (Exception e) {
                    cause = e;
                }
                throw new AssertionError(
                        "the job ended (" + status + ") while waiting for " + what.get(), cause);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out after " + WAIT.toSeconds() + " s waiting for " + what.get());
            }
            Thread.sleep(100);
        }
    }
}
