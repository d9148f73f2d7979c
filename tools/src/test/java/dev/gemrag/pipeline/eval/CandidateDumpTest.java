package dev.gemrag.pipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.connectors.milvus.RetrievedChunk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CandidateDumpTest {
    @TempDir Path tmp;

    @Test
    void writesOneLinePerQueryWithBothListsInOrder() throws Exception {
        Path file = tmp.resolve("c.jsonl");
        try (CandidateDump d = CandidateDump.open(file)) {
            d.write(
                    "q1",
                    List.of(
                            new RetrievedChunk("a#0", "a", "t", "x", 0.9f),
                            new RetrievedChunk("b\"#1", "b\"", "t", "x", 0.5f)),
                    List.of(new RetrievedChunk("c#0", "c", "t", "x", 12.5f)));
            d.write("q2", List.of(), List.of());
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        JsonNode q1 = new ObjectMapper().readTree(lines.get(0));
        assertThat(q1.get("query").asText()).isEqualTo("q1");
        assertThat(q1.get("dense")).hasSize(2);
        assertThat(q1.get("dense").get(1).get(0).asText()).isEqualTo("b\"#1");
        assertThat(q1.get("dense").get(1).get(1).asText()).isEqualTo("b\"");
        assertThat(q1.get("dense").get(0).get(2).asDouble()).isCloseTo(0.9, within());
        assertThat(q1.get("sparse").get(0).get(2).asDouble()).isCloseTo(12.5, within());
        assertThat(new ObjectMapper().readTree(lines.get(1)).get("dense")).isEmpty();
    }

    @Test
    void noFileWritesNothing() throws Exception {
        try (CandidateDump d = CandidateDump.open(null)) {
            d.write("q", List.of(new RetrievedChunk("a#0", "a", "t", "x", 1f)), List.of());
        }
        try (var files = Files.list(tmp)) {
            assertThat(files).isEmpty();
        }
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-6);
    }
}
