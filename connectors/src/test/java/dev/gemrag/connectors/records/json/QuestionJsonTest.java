package dev.gemrag.connectors.records.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.connectors.records.Question;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
        Question q =
                parse(
                        "{\"id\":\"q1\",\"question\":\"why?\",\"groups\":[\"a\"],\"top_k\":3,\"max_tokens\":64}");
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
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"k\":1}"))
                .startsWith("unknown field 'k'");
        assertThat(reason("{\"question\":\"x\"}")).isEqualTo("missing field 'id'");
        assertThat(reason("{\"id\":\"q\"}")).isEqualTo("missing field 'question'");
        assertThat(reason("{\"id\":\"q\",\"question\":\"\"}"))
                .isEqualTo("field 'question' is empty");
        assertThat(reason("{\"id\":\"q\",\"question\":true}"))
                .isEqualTo("field 'question' must be a string, got boolean");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"groups\":\"a\"}"))
                .isEqualTo("field 'groups' must be an array of strings, got string");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"groups\":[\"ok\",\"st\\u0007aff\"]}"))
                .isEqualTo("field 'groups[1]' contains control character U+0007");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"groups\":[\"a\\nb\"]}"))
                .isEqualTo("field 'groups[0]' contains control character U+000A");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"top_k\":0}"))
                .isEqualTo("field 'top_k' must be an integer from 1 to 100, got integer 0");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"top_k\":101}"))
                .isEqualTo("field 'top_k' must be an integer from 1 to 100, got integer 101");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"top_k\":\"5\"}"))
                .isEqualTo("field 'top_k' must be an integer from 1 to 100, got string \"5\"");
        assertThat(reason("{\"id\":\"q\",\"question\":\"x\",\"max_tokens\":2.5}"))
                .startsWith("field 'max_tokens' must be an integer from 1 to 2048, got number");
        assertThat(reason("{\"id\":\"q\",\"question\":\"" + "x".repeat(4097) + "\"}"))
                .isEqualTo("field 'question' is 4097 bytes, more than the limit of 4096");
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
    void parsesSamplingOverridesAndRejectsOutOfRangeOnes() throws Exception {
        Question q =
                parse(
                        "{\"id\":\"q\",\"question\":\"why?\",\"temperature\":0.7,\"top_p\":0.9,\"min_p\":0.05,"
                                + "\"seed\":-3,\"repetition_penalty\":1.3,\"frequency_penalty\":-0.5,\"presence_penalty\":0.25,"
                                + "\"no_repeat_ngram\":3,\"dry_multiplier\":0.8}");
        assertThat(q.sampling())
                .isEqualTo(
                        new dev.gemrag.connectors.records.SamplingOverrides(
                                0.7f, 0.9f, 0.05f, -3L, 1.3f, -0.5f, 0.25f, 3, 0.8f));
        assertThat(parse("{\"id\":\"q\",\"question\":\"why?\"}").sampling()).isNull();
        assertThat(QuestionJson.parse(QuestionJson.toBytes(q), LIMITS))
                .usingRecursiveComparison()
                .isEqualTo(q);
        assertThatThrownBy(() -> parse("{\"id\":\"q\",\"question\":\"x\",\"top_p\":0}"))
                .hasMessage("field 'top_p' must be a number in (0, 1], got integer 0");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"id\":\"q\",\"question\":\"x\",\"repetition_penalty\":\"1.2\"}"))
                .hasMessage(
                        "field 'repetition_penalty' must be a number in (0, 10], got string \"1.2\"");
        assertThatThrownBy(() -> parse("{\"id\":\"q\",\"question\":\"x\",\"no_repeat_ngram\":17}"))
                .hasMessage(
                        "field 'no_repeat_ngram' must be an integer from 0 to 16, got integer 17");
        assertThatThrownBy(() -> parse("{\"id\":\"q\",\"question\":\"x\",\"seed\":1.5}"))
                .hasMessage("field 'seed' must be a 64-bit integer, got number 1.5");
    }

    @Test
    void roundTrips() throws Exception {
        Question q = new Question("q1", "what is GEM?", new String[] {"a", "b"}, 4, 100);
        assertThat(QuestionJson.parse(QuestionJson.toBytes(q), LIMITS))
                .usingRecursiveComparison()
                .isEqualTo(q);
        Question m = new Question("q2", "x", new String[0], null, null);
        assertThat(QuestionJson.parse(QuestionJson.toBytes(m), LIMITS))
                .usingRecursiveComparison()
                .isEqualTo(m);
    }
}
