package dev.gemrag.operators.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.records.Question;
import dev.gemrag.operators.testing.BagOfWordsModel;
import dev.gemrag.operators.testing.DirectRuntime;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.junit.jupiter.api.Test;

class QuestionValidatorTest {
    @Test
    void namesWhatIsWrongWithAQuestion() throws Exception {
        QuestionValidator v =
                new QuestionValidator(
                        BagOfWordsModel::new,
                        new AnswerSettings(3, 10, 16, 64, 200, 5),
                        "questions");
        v.setRuntimeContext(DirectRuntime.context());
        v.open(DefaultOpenContext.INSTANCE);
        String[] g = {"all"};
        assertThat(v.problem(new Question("a", "how do I copy files", g, null, null))).isNull();
        assertThat(v.problem(new Question(null, "copy", g, null, null)))
                .isEqualTo("missing field 'id'");
        assertThat(v.problem(new Question("a", "  ", g, null, null)))
                .isEqualTo("question is empty");
        assertThat(v.problem(new Question("a", "one two three four five six", g, null, null)))
                .isEqualTo("question is 6 tokens, more than answer.max-question-tokens (5)");
        assertThat(v.problem(new Question("a", "copy", g, 0, null)))
                .isEqualTo("top_k must be in [1, 10], got 0");
        assertThat(v.problem(new Question("a", "copy", g, null, 65)))
                .isEqualTo("max_tokens must be in [1, 64], got 65");
        assertThat(v.problem(new Question("a", "copy", new String[] {""}, null, null)))
                .contains("groups");
        v.close();
    }
}
