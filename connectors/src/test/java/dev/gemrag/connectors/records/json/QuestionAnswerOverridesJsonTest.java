package dev.gemrag.connectors.records.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.connectors.records.AnswerFrame;
import dev.gemrag.connectors.records.AnswerOverrides;
import dev.gemrag.connectors.records.Question;
import dev.gemrag.connectors.records.RerankMode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The questions topic's optional rerank and answer_frame fields. */
class QuestionAnswerOverridesJsonTest {
    private static Question parse(String json) throws InvalidRecordException {
        return QuestionJson.parse(json.getBytes(StandardCharsets.UTF_8), RecordLimits.defaults());
    }

    @Test
    void parsesEachValueAndAbsentAsNone() throws Exception {
        assertThat(parse("{\"id\":\"q\",\"question\":\"x\",\"rerank\":\"llm\"}").answer())
                .isEqualTo(new AnswerOverrides(RerankMode.LLM, null));
        assertThat(parse("{\"id\":\"q\",\"question\":\"x\",\"rerank\":\"auto\"}").answer())
                .isEqualTo(new AnswerOverrides(RerankMode.AUTO, null));
        assertThat(
                        parse(
                                        "{\"id\":\"q\",\"question\":\"x\",\"rerank\":\"off\",\"answer_frame\":\"according_to\"}")
                                .answer())
                .isEqualTo(new AnswerOverrides(RerankMode.OFF, AnswerFrame.ACCORDING_TO));
        assertThat(
                        parse("{\"id\":\"q\",\"question\":\"x\",\"answer_frame\":\"title\"}")
                                .answer()
                                .frame())
                .isEqualTo(AnswerFrame.TITLE);
        assertThat(parse("{\"id\":\"q\",\"question\":\"x\"}").answer()).isNull();
        assertThat(
                        parse(
                                        "{\"id\":\"q\",\"question\":\"x\",\"rerank\":null,\"answer_frame\":null}")
                                .answer())
                .isNull();
    }

    @Test
    void rejectsOtherSpellingsWithOneLine() {
        assertThatThrownBy(() -> parse("{\"id\":\"q\",\"question\":\"x\",\"rerank\":\"LLM\"}"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("field 'rerank' must be \"off\", \"llm\" or \"auto\", got 'LLM'");
        assertThatThrownBy(
                        () -> parse("{\"id\":\"q\",\"question\":\"x\",\"answer_frame\":\"a\\nb\"}"))
                .hasMessage(
                        "field 'answer_frame' must be \"none\", \"title\" or \"according_to\", got 'a?b'");
        assertThatThrownBy(() -> parse("{\"id\":\"q\",\"question\":\"x\",\"rerank\":true}"))
                .hasMessageContaining("field 'rerank' must be a string");
    }

    @Test
    void roundTrips() throws Exception {
        Question q =
                new Question(
                        "q",
                        "x",
                        new String[] {"g"},
                        2,
                        8,
                        null,
                        null,
                        new AnswerOverrides(RerankMode.LLM, AnswerFrame.TITLE));
        byte[] bytes = QuestionJson.toBytes(q);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .contains("\"rerank\":\"llm\"")
                .contains("\"answer_frame\":\"title\"");
        assertThat(QuestionJson.parse(bytes, RecordLimits.defaults()))
                .usingRecursiveComparison()
                .isEqualTo(q);
    }
}
