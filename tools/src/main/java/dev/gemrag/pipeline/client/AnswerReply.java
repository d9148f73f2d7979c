package dev.gemrag.pipeline.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An answer as read back from the answers topic. */
public record AnswerReply(
        String questionId,
        String answer,
        List<Cited> citations,
        String model,
        Map<String, Long> timingsMs,
        List<Cited> sources,
        boolean answered) {

    public record Cited(String docId, String chunkId, String title, double score) {}

    public static AnswerReply parse(JsonNode n) {
        List<Cited> cites = cited(n.path("citations"));
        List<Cited> sources = n.has("sources") ? cited(n.path("sources")) : cites;
        Map<String, Long> timings = new LinkedHashMap<>();
        n.path("timings_ms")
                .fields()
                .forEachRemaining(e -> timings.put(e.getKey(), e.getValue().asLong()));
        return new AnswerReply(
                n.path("question_id").asText(),
                n.path("answer").asText(),
                cites,
                n.path("model").asText(null),
                timings,
                sources,
                n.path("answered").asBoolean(!cites.isEmpty()));
    }

    private static List<Cited> cited(JsonNode array) {
        List<Cited> out = new ArrayList<>();
        for (JsonNode c : array) {
            out.add(
                    new Cited(
                            c.path("doc_id").asText(),
                            c.path("chunk_id").asText(),
                            c.path("title").isNull() ? null : c.path("title").asText(null),
                            c.path("score").asDouble()));
        }
        return out;
    }

    public List<String> citedDocs() {
        return citations.stream().map(Cited::docId).toList();
    }

    /**
     * The documents of every chunk that was in the prompt (what the question could see), first
     * occurrence order.
     */
    public List<String> sourceDocs() {
        return sources.stream().map(Cited::docId).distinct().toList();
    }

    /** Multi-line rendering for the terminal. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(answer.strip()).append('\n');
        for (int i = 0; i < citations.size(); i++) {
            Cited c = citations.get(i);
            sb.append(
                    String.format(
                            "  [%d] %s (%s, score %.3f)%n",
                            i + 1,
                            c.title() == null ? c.docId() : c.title(),
                            c.chunkId(),
                            c.score()));
        }
        sb.append("  timings ms:");
        timingsMs.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }
}
