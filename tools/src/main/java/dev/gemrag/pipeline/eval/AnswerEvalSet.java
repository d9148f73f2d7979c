package dev.gemrag.pipeline.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.model.eval.BeirDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BEIR-layout set plus {@code answers.jsonl} ({@code {"query_id","answer"}}): the gold answer per
 * query.
 */
public record AnswerEvalSet(BeirDataset beir, Map<String, String> goldAnswers) {

    public static AnswerEvalSet read(Path dir) throws IOException {
        BeirDataset beir = BeirDataset.read(dir);
        Path answers = dir.resolve("answers.jsonl");
        if (!Files.isRegularFile(answers)) {
            throw new IllegalArgumentException(
                    answers + " is missing: it holds {\"query_id\",\"answer\"} per line");
        }
        ObjectMapper json = new ObjectMapper();
        Map<String, String> gold = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(answers);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode n = json.readTree(lines.get(i));
            if (!n.path("query_id").isTextual() || !n.path("answer").isTextual()) {
                throw new IllegalArgumentException(
                        answers + " line " + (i + 1) + ": needs string fields query_id and answer");
            }
            gold.put(n.get("query_id").asText(), n.get("answer").asText());
        }
        for (BeirDataset.Query q : beir.queries()) {
            if (!gold.containsKey(q.id())) {
                throw new IllegalArgumentException(
                        answers + " has no gold answer for query '" + q.id() + "'");
            }
        }
        return new AnswerEvalSet(beir, gold);
    }
}
