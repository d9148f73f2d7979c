package dev.gemrag.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.pipeline.eval.AnswerEvalSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalAnswersCommandTest {
    @Test
    void variantsBecomeQuestionFieldsPerRow() {
        assertThat(EvalAnswersCommand.parseVariants(List.of()))
                .isEqualTo(Map.of("configured", Map.of()));
        assertThat(
                        EvalAnswersCommand.parseVariants(
                                List.of(
                                        "greedy:repetition_penalty=1,dry_multiplier=0",
                                        "default:")))
                .containsExactly(
                        Map.entry(
                                "greedy", Map.of("repetition_penalty", "1", "dry_multiplier", "0")),
                        Map.entry("default", Map.of()));
        assertThatThrownBy(() -> EvalAnswersCommand.parseVariants(List.of("x:temperature")))
                .hasMessage("--variant x:temperature: expected NAME:field=value,...");
        assertThatThrownBy(() -> EvalAnswersCommand.parseVariants(List.of("a:", "a:seed=1")))
                .hasMessage("--variant name 'a' is used twice");
    }

    @Test
    void theShippedDevSetsReadAndEveryQueryHasAGoldAnswer() throws Exception {
        AnswerEvalSet samples = AnswerEvalSet.read(Path.of("..", "data", "samples-dev"));
        assertThat(samples.beir().queries()).hasSize(10);
        assertThat(samples.beir().corpus()).hasSize(50);
        AnswerEvalSet faq = AnswerEvalSet.read(Path.of("..", "data", "faq-qa-dev"));
        assertThat(faq.beir().queries()).hasSize(50);
        // the held-out rule of data/faq-qa-dev/README.md: ids carry a line number divisible by 10
        assertThat(faq.beir().queries())
                .allSatisfy(q -> assertThat(Integer.parseInt(q.id().substring(2)) % 10).isZero());
    }

    @Test
    void aMissingGoldAnswerIsNamed(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(
                dir.resolve("corpus.jsonl"), "{\"_id\":\"d\",\"title\":\"t\",\"text\":\"x\"}\n");
        Files.writeString(dir.resolve("queries.jsonl"), "{\"_id\":\"q\",\"text\":\"why?\"}\n");
        Files.writeString(
                dir.resolve("qrels").resolve("test.tsv"), "query-id\tcorpus-id\tscore\nq\td\t1\n");
        Files.writeString(
                dir.resolve("answers.jsonl"), "{\"query_id\":\"other\",\"answer\":\"a\"}\n");
        assertThatThrownBy(() -> AnswerEvalSet.read(dir))
                .hasMessageEndingWith("has no gold answer for query 'q'");
    }
}
