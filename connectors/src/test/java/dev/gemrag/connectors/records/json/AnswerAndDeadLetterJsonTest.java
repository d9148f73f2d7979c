package dev.gemrag.connectors.records.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.Citation;
import dev.gemrag.connectors.records.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnswerAndDeadLetterJsonTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    @Test
    void answerHasTheContractFieldsAndRoundTrips() throws Exception {
        Answer a =
                new Answer(
                        "q1",
                        "GEM adds summary tokens.",
                        List.of(
                                new Citation("d1", "d1#0", "Intro", 0.875f),
                                new Citation("d2", "d2#3", null, 0.5f)),
                        "SmolLM2-135M",
                        Map.of("embed", 12L, "generate", 345L));
        byte[] json = AnswerJson.toBytes(a);
        JsonNode n = PLAIN.readTree(json);
        assertThat(n.fieldNames())
                .toIterable()
                .containsExactly(
                        "question_id",
                        "answer",
                        "answered",
                        "citations",
                        "sources",
                        "model",
                        "timings_ms");
        assertThat(n.get("citations").get(0).fieldNames())
                .toIterable()
                .containsExactly("doc_id", "chunk_id", "title", "score");
        assertThat(n.get("citations").get(0).get("score").doubleValue()).isEqualTo(0.875);
        assertThat(n.get("timings_ms").get("generate").longValue()).isEqualTo(345);
        assertThat(AnswerJson.parse(json)).usingRecursiveComparison().isEqualTo(a);
    }

    @Test
    void answerKeepsItsSourcesAndTheAnsweredMark() throws Exception {
        Citation best = new Citation("d1", "d1#0", "Intro", 0.9f);
        Answer a =
                new Answer(
                        "q1",
                        "The sources do not contain the answer.",
                        List.of(),
                        "m",
                        Map.of(),
                        List.of(best, new Citation("d1", "d1#2", "Intro", 0.7f)),
                        false);
        JsonNode n = PLAIN.readTree(AnswerJson.toBytes(a));
        assertThat(n.get("answered").booleanValue()).isFalse();
        assertThat(n.get("sources")).hasSize(2);
        assertThat(AnswerJson.parse(AnswerJson.toBytes(a))).usingRecursiveComparison().isEqualTo(a);
        assertThatThrownBy(
                        () ->
                                AnswerJson.parse(
                                        ("{\"question_id\":\"q\",\"answer\":\"a\",\"model\":\"m\","
                                                        + "\"citations\":[],\"timings_ms\":{},\"answered\":\"yes\"}")
                                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessage("field 'answered' must be a boolean, got string");
    }

    @Test
    void answerParserIsStrict() {
        assertThatThrownBy(
                        () ->
                                AnswerJson.parse(
                                        "{\"question_id\":\"q\",\"answer\":\"a\",\"model\":\"m\",\"timings_ms\":{}}"
                                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessage("missing field 'citations'");
        assertThatThrownBy(
                        () ->
                                AnswerJson.parse(
                                        "{\"question_id\":\"q\",\"answer\":\"a\",\"model\":\"m\",\"citations\":[],\"timings_ms\":{},\"x\":1}"
                                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("unknown field 'x'");
    }

    @Test
    void deadLetterKeepsTextAsTextAndBinaryAsBase64() throws Exception {
        byte[] binary = {(byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF};
        DeadLetter d =
                new DeadLetter(
                        "documents",
                        2,
                        1234L,
                        "doc-1".getBytes(StandardCharsets.UTF_8),
                        binary,
                        "invalid UTF-8 in value at byte 0",
                        "parse");
        byte[] json = DeadLetterJson.toBytes(d);
        JsonNode n = PLAIN.readTree(json);
        assertThat(n.get("key").textValue()).isEqualTo("doc-1");
        assertThat(n.get("key_encoding").textValue()).isEqualTo("utf-8");
        assertThat(n.get("value").textValue()).isEqualTo("wyg A/w==".replace(" ", ""));
        assertThat(n.get("value_encoding").textValue()).isEqualTo("base64");
        assertThat(n.get("offset").longValue()).isEqualTo(1234);
        assertThat(n.get("partition").intValue()).isEqualTo(2);
        assertThat(n.get("reason").textValue()).isEqualTo("invalid UTF-8 in value at byte 0");
        assertThat(n.get("stage").textValue()).isEqualTo("parse");
        DeadLetter back = DeadLetterJson.parse(json);
        assertThat(back).usingRecursiveComparison().isEqualTo(d);
    }

    @Test
    void deadLetterWithNullKeyAndValueRoundTrips() throws Exception {
        DeadLetter d =
                new DeadLetter(
                        "documents",
                        0,
                        7L,
                        null,
                        null,
                        "tombstone (null value) without a key",
                        "parse");
        JsonNode n = PLAIN.readTree(DeadLetterJson.toBytes(d));
        assertThat(n.get("key").isNull()).isTrue();
        assertThat(n.get("value").isNull()).isTrue();
        assertThat(DeadLetterJson.parse(DeadLetterJson.toBytes(d)))
                .usingRecursiveComparison()
                .isEqualTo(d);
    }
}
