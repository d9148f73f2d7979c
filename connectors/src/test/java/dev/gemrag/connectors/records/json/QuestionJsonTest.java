package dev.gemrag.connectors.records.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.gemrag.connectors.records.Question;

class QuestionJsonTest {
    private static final RecordLimits LIMITS = RecordLimits.defaults();

    private static Question parse(String json) throws InvalidRecordException {
        return QuestionJson.parse(json.getBytes(StandardCharsets.UTF_8), LIMITS);
    }

    private static String reason(String json) {
        try {
            parse(json);
        } catch (InvalidRecordException e) {
            return e.reason();
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void parsesFullAndMinimalQuestions() throws Exception {
        Question q = parse("{\"id\":\"q1\",\"question\":\"why?\",\"groups\":[\"a\"],\"top_k\":3,\"max_tokens\":64}");
        assertThat(q.id()).isEqualTo("q1");
        assertThat(q.question()).isEqualTo("why?");
        assertThat(q.groups()).containsExactly("a");
        assertThat(q.topK()).isEqualTo(3);
        assertThat(q.maxTokens()).isEqualTo(64);
        Question m = parse("{\"id\":\"q2\",\"question\":\"how?\"}");
        assertThat(m.groups()).isEmpty();
        assertThat(m.topK()).isNull();
        assertThat(m.maxTokens()).isNull();
    }

    @Test
    void rejectsEachBrokenRule() {
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"k\":1}")).startsWith("unknown field 'k'");
        assertThat(reason("{\"question\":\"x\"}")).isEqualTo("missing field 'id'");
        assertThat(reason("{\"id\":\"q\"}")).isEqualTo("missing field 'question'");
        assertThat(reason("{\"id\":\"q\",\"question\":\"\"}")).isEqualTo("field 'question' is empty");
        assertThat(reason("{\"id\":\"q\",\"question\":true}")).isEqualTo("field 'question' must be a string, got boolean");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"groups\":\"a\"}")).isEqualTo("field 'groups' must be an array of strings, got string");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"groups\":[\"ok\",\"st\\u0007aff\"]}"))
                .isEqualTo("field 'groups[1]' contains control character U+0007");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"groups\":[\"a\\nb\"]}"))
                .isEqualTo("field 'groups[0]' contains control character U+000A");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"top_k\":0}")).isEqualTo("field 'top_k' must be an integer from 1 to 100, got integer 0");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"top_k\":101}")).isEqualTo("field 'top_k' must be an integer from 1 to 100, got integer 101");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"top_k\":\"5\"}")).isEqualTo("field 'top_k' must be an integer from 1 to 100, got string \"5\"");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"max_tokens\":2.5}")).startsWith("field 'max_tokens' must be an integer from 1 to 2048, got number");
        assertThat(reason("{\"id\":\"q\",\"question\":\"" + "x".repeat(4097) + "\"}")).isEqualTo("field 'question' is 4097 bytes, more than the limit of 4096");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\"")).startsWith("bad JSON: ");
    }

    @Test
    void rejectsNullAndInvalidUtf8() {
        try {
            QuestionJson.parse(null, LIMITS);
            throw new AssertionError("accepted null");
        } catch (InvalidRecordException e) {
            assertThat(e.reason()).isEqualTo("null value: a question needs a JSON body");
        }
        try {
            QuestionJson.parse(new byte[] {'{', (byte) 0x80, '}'}, LIMITS);
            throw new AssertionError("accepted bad UTF-8");
        } catch (InvalidRecordException e) {
            assertThat(e.reason()).isEqualTo("invalid UTF-8 in value at byte 1");
        }
    }

    @Test
    void roundTrips() throws Exception {
        Question q = new Question("q1", "what is GEM?", new String[] {"a", "b"}, 4, 100);
        assertThat(QuestionJson.parse(QuestionJson.toBytes(q), LIMITS)).usingRecursiveComparison().isEqualTo(q);
        Question m = new Question("q2", "x", new String[0], null, null);
        assertThat(QuestionJson.parse(QuestionJson.toBytes(m), LIMITS)).usingRecursiveComparison().isEqualTo(m);
    }
}
