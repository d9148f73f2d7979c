package dev.gemrag.pipeline.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.connectors.milvus.RetrievedChunk;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The eval sweep's candidate lists, one JSON line per query: {@code {"query": id, "dense":
 * [[chunk_id, doc_id, score], ...], "sparse": [...]}}. A diagnostic for studying fusions offline on
 * the lists the product's retriever returned; a null file writes nothing.
 */
final class CandidateDump implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter out;

    private CandidateDump(BufferedWriter out) {
        this.out = out;
    }

    static CandidateDump open(Path file) throws IOException {
        return new CandidateDump(
                file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    void write(String queryId, List<RetrievedChunk> dense, List<RetrievedChunk> sparse) {
        if (out == null) {
            return;
        }
        ObjectNode line = JSON.createObjectNode();
        line.put("query", queryId);
        line.set("dense", hits(dense));
        line.set("sparse", hits(sparse));
        try {
            out.write(JSON.writeValueAsString(line));
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the candidate dump: " + e.getMessage(), e);
        }
    }

    private static ArrayNode hits(List<RetrievedChunk> hits) {
        ArrayNode a = JSON.createArrayNode();
        for (RetrievedChunk h : hits) {
            a.addArray().add(h.chunkId()).add(h.docId()).add(h.score());
        }
        return a;
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
