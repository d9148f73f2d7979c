package dev.gemrag.pipeline.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An answer as read back from the answers topic. */
public record AnswerReply(String questionId, String answer, List<Cited> citations, String model, Map<String, Long> timingsMs) {

    public record Cited(String docId, String chunkId, String title, double score) {}

    public static AnswerReply parse(JsonNode n) {
        List<Cited> cites = new ArrayList<>();
        for (JsonNode c : n.path("citations")) {
            cites.add(new Cited(c.path("doc_id").asText(), c.path("chunk_id").asText(),
                    c.path("title").isNull() ? null : c.path("title").asText(null), c.path("score").asDouble()));
        }
        Map<String, Long> timings = new LinkedHashMap<>();
        n.path("timings_ms").fields().forEachRemaining(e -> timings.put(e.getKey(), e.getValue().asLong()));
        return new AnswerReply(n.path("question_id").asText(), n.path("answer").asText(), cites,
                n.path("model").asText(null), timings);
    }

    public List<String> citedDocs() {
        return citations.stream().map(Cited::docId).toList();
    }

    /** Multi-line rendering for the terminal. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(answer.strip()).append('\n');
        for (int i = 0; i < citations.size(); i++) {
            Cited c = citations.get(i);
            sb.append(String.format("  [%d] %s (%s, score %.3f)%n", i + 1, c.title() == null ? c.docId() : c.title(),
                    c.chunkId(), c.score()));
        }
        sb.append("  timings ms:");
        timingsMs.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }
}
