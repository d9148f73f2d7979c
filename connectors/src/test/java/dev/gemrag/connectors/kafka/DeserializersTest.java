package dev.gemrag.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.Citation;
import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.json.AnswerJson;
import dev.gemrag.connectors.records.json.DeadLetterJson;
import dev.gemrag.connectors.records.json.RecordLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeserializersTest {
    private static final RecordLimits LIMITS = RecordLimits.defaults();

    private static byte[] b(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> List<T> run(
            org.apache.flink.connector.kafka.source.reader.deserializer
                                    .KafkaRecordDeserializationSchema<
                            T>
                    d,
            ConsumerRecord<byte[], byte[]> r)
            throws Exception {
        List<T> out = new ArrayList<>();
        d.deserialize(
                r,
                new Collector<>() {
                    @Override
                    public void collect(T t) {
                        out.add(t);
                    }

                    @Override
                    public void close() {}
                });
        return out;
    }

    @Test
    void goodDocumentBecomesAnEventWithTheOffsetAsVersion() throws Exception {
        var r =
                new ConsumerRecord<>(
                        "documents", 1, 77L, b("d1"), b("{\"id\":\"d1\",\"text\":\"hi\"}"));
        List<ParsedDocument> out = run(new DocumentDeserializer(LIMITS), r);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).isValid()).isTrue();
        assertThat(out.get(0).deadLetter).isNull();
        assertThat(out.get(0).event.id()).isEqualTo("d1");
        assertThat(out.get(0).event.version()).isEqualTo(77);
    }

    @Test
    void badDocumentBecomesADeadLetterWithTheRawRecord() throws Exception {
        byte[] value = b("{\"id\":\"d1\",\"txt\":\"hi\"}");
        var r = new ConsumerRecord<>("documents", 2, 5L, b("d1"), value);
        List<ParsedDocument> out = run(new DocumentDeserializer(LIMITS), r);
        assertThat(out).hasSize(1);
        DeadLetter d = out.get(0).deadLetter;
        assertThat(out.get(0).isValid()).isFalse();
        assertThat(d.topic()).isEqualTo("documents");
        assertThat(d.partition()).isEqualTo(2);
        assertThat(d.offset()).isEqualTo(5);
        assertThat(d.key()).isEqualTo(b("d1"));
        assertThat(d.value()).isEqualTo(value);
        assertThat(d.reason()).startsWith("unknown field 'txt'");
        assertThat(d.stage()).isEqualTo(DeadLetterStage.PARSE);
    }

    @Test
    void neverThrowsOnRandomBytes() throws Exception {
        Random rnd = new Random(1);
        DocumentDeserializer docs = new DocumentDeserializer(LIMITS);
        QuestionDeserializer questions = new QuestionDeserializer(LIMITS);
        for (int i = 0; i < 2000; i++) {
            byte[] key = rnd.nextInt(4) == 0 ? null : randomBytes(rnd);
            byte[] value = rnd.nextInt(10) == 0 ? null : randomBytes(rnd);
            var r = new ConsumerRecord<>("t", 0, i, key, value);
            assertThat(run(docs, r)).hasSize(1);
            assertThat(run(questions, r)).hasSize(1);
        }
    }

    private static byte[] randomBytes(Random rnd) {
        // Half random bytes, half JSON-ish fragments.
        if (rnd.nextBoolean()) {
            byte[] b = new byte[rnd.nextInt(40)];
            rnd.nextBytes(b);
            return b;
        }
        String[] parts = {
            "{",
            "}",
            "\"id\"",
            ":",
            "\"x\"",
            ",",
            "\"text\"",
            "[",
            "]",
            "1",
            "null",
            "true",
            "\"\\u"
        };
        StringBuilder sb = new StringBuilder();
        for (int i = rnd.nextInt(12); i > 0; i--) {
            sb.append(parts[rnd.nextInt(parts.length)]);
        }
        return b(sb.toString());
    }

    @Test
    void questionsParseOrDeadLetter() throws Exception {
        QuestionDeserializer d = new QuestionDeserializer(LIMITS);
        ParsedQuestion ok =
                run(
                                d,
                                new ConsumerRecord<>(
                                        "questions",
                                        0,
                                        1L,
                                        null,
                                        b("{\"id\":\"q\",\"question\":\"why?\"}")))
                        .get(0);
        assertThat(ok.isValid()).isTrue();
        assertThat(ok.question.question()).isEqualTo("why?");
        ParsedQuestion bad =
                run(
                                d,
                                new ConsumerRecord<>(
                                        "questions",
                                        0,
                                        2L,
                                        null,
                                        b("{\"id\":\"q\",\"question\":\"why?\",\"top_k\":-1}")))
                        .get(0);
        assertThat(bad.isValid()).isFalse();
        assertThat(bad.deadLetter.reason())
                .startsWith("field 'top_k' must be an integer from 1 to 100");
        assertThat(bad.deadLetter.offset()).isEqualTo(2);
    }

    @Test
    void answerRecordIsKeyedByQuestionId() throws Exception {
        Answer a =
                new Answer("q-7", "yes", List.of(new Citation("d", "d#0", "t", 1f)), "m", Map.of());
        ProducerRecord<byte[], byte[]> r = new AnswerSerializer("answers").serialize(a, null, 123L);
        assertThat(r.topic()).isEqualTo("answers");
        assertThat(r.key()).isEqualTo(b("q-7"));
        assertThat(r.timestamp()).isEqualTo(123L);
        assertThat(AnswerJson.parse(r.value())).usingRecursiveComparison().isEqualTo(a);
    }

    @Test
    void deadLetterRecordKeepsTheOriginalKey() throws Exception {
        DeadLetter d = new DeadLetter("documents", 0, 3, b("d1"), b("{"), "bad JSON", "parse");
        ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer("dlq").serialize(d, null, null);
        assertThat(r.topic()).isEqualTo("dlq");
        assertThat(r.key()).isEqualTo(b("d1"));
        assertThat(DeadLetterJson.parse(r.value())).usingRecursiveComparison().isEqualTo(d);
    }
}
