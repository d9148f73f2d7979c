package dev.gemrag.connectors.records.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.connectors.records.Question;
import dev.gemrag.connectors.records.RetrievalMode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The questions topic's optional retrieval_mode field. */
class QuestionRetrievalModeJsonTest {
    private static Question parse(String json) throws InvalidRecordException {
        return QuestionJson.parse(json.getBytes(StandardCharsets.UTF_8), RecordLimits.defaults());
    }

    @Test
    void parsesEachModeAndAbsentOrNullAsNone() throws Exception {
        assertThat(
                        parse("{\"id\":\"q\",\"question\":\"x\",\"retrieval_mode\":\"dense\"}")
                                .retrievalMode())
                .isEqualTo(RetrievalMode.DENSE);
        assertThat(
                        parse("{\"id\":\"q\",\"question\":\"x\",\"retrieval_mode\":\"hybrid\"}")
                                .retrievalMode())
                .isEqualTo(RetrievalMode.HYBRID);
        assertThat(
                        parse("{\"id\":\"q\",\"question\":\"x\",\"retrieval_mode\":\"sparse\"}")
                                .retrievalMode())
                .isEqualTo(RetrievalMode.SPARSE);
        assertThat(parse("{\"id\":\"q\",\"question\":\"x\"}").retrievalMode()).isNull();
        assertThat(
                        parse("{\"id\":\"q\",\"question\":\"x\",\"retrieval_mode\":null}")
                                .retrievalMode())
                .isNull();
    }

    @Test
    void rejectsOtherSpellingsAndTypes() {
        for (String bad : new String[] {"\"HYBRID\"", "\"bm25\"", "\"\"", "\"dense \""}) {
            assertThatThrownBy(
                            () ->
                                    parse(
                                            "{\"id\":\"q\",\"question\":\"x\",\"retrieval_mode\":"
                                                    + bad
                                                    + "}"))
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining(
                            "field 'retrieval_mode' must be \"dense\", \"hybrid\" or \"sparse\", got '");
        }
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"id\":\"q\",\"question\":\"x\",\"retrieval_mode\":\"a\\nb\"}"))
                .hasMessageContaining("got 'a?b'"); // one line in the dead letter
        assertThatThrownBy(() -> parse("{\"id\":\"q\",\"question\":\"x\",\"retrieval_mode\":1}"))
                .hasMessageContaining("field 'retrieval_mode' must be a string");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"id\":\"q\",\"question\":\"x\",\"retrieval_mode\":\""
                                                + "h".repeat(17)
                                                + "\"}"))
                .hasMessageContaining("more than the limit of 16");
    }

    @Test
    void roundTripsTheMode() throws Exception {
        for (RetrievalMode m : RetrievalMode.values()) {
            Question q = new Question("q", "x", new String[] {"g"}, 2, 8, m);
            byte[] bytes = QuestionJson.toBytes(q);
            assertThat(new String(bytes, StandardCharsets.UTF_8))
                    .contains("\"retrieval_mode\":\"" + m.wireName() + "\"");
            assertThat(QuestionJson.parse(bytes, RecordLimits.defaults()))
                    .usingRecursiveComparison()
                    .isEqualTo(q);
        }
        assertThat(
                        new String(
                                QuestionJson.toBytes(new Question("q", "x", null, null, null)),
                                StandardCharsets.UTF_8))
                .doesNotContain("retrieval_mode");
    }
}
