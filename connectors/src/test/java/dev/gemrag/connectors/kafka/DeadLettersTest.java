package dev.gemrag.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.Document;
import dev.gemrag.connectors.records.Question;
import dev.gemrag.connectors.records.json.DocumentJson;
import dev.gemrag.connectors.records.json.QuestionJson;
import dev.gemrag.connectors.records.json.RecordLimits;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    @Test
    void documentDeadLetterCarriesAReplayableValue() throws Exception {
        Document d = new Document("d1", 4, "T", "body", null, new String[] {"g"}, "{}");
        DeadLetter dl =
                DeadLetters.forDocument(
                        "documents",
                        d,
                        "embedding failed:\n  out of memory",
                        DeadLetterStage.EMBED);
        assertThat(dl.partition()).isEqualTo(-1);
        assertThat(dl.offset()).isEqualTo(-1);
        assertThat(new String(dl.key(), StandardCharsets.UTF_8)).isEqualTo("d1");
        assertThat(dl.reason()).isEqualTo("embedding failed: out of memory");
        assertThat(dl.stage()).isEqualTo("embed");
        assertThat(DocumentJson.parse(dl.key(), dl.value(), 0, RecordLimits.defaults()).upsert)
                .usingRecursiveComparison()
                .isEqualTo(d);
    }

    @Test
    void questionDeadLetterCarriesAReplayableValue() throws Exception {
        Question q = new Question("q1", "why?", new String[0], 3, null);
        DeadLetter dl = DeadLetters.forQuestion("questions", q, null, DeadLetterStage.ANSWER);
        assertThat(dl.reason()).isEqualTo("unknown failure");
        assertThat(QuestionJson.parse(dl.value(), RecordLimits.defaults()))
                .usingRecursiveComparison()
                .isEqualTo(q);
    }
}
