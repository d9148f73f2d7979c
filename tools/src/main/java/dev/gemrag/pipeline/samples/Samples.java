package dev.gemrag.pipeline.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The sample documents and questions shipped in {@code samples/} (see its README for provenance).
 */
public final class Samples {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A documents-topic record: key = id, value = the JSON line as shipped. */
    public record SampleDocument(String id, String title, String json) {}

    /** A question and the page that answers it. */
    public record SampleQuestion(String id, String question, String goldDoc) {}

    private Samples() {}

    public static List<SampleDocument> documents() {
        List<SampleDocument> out = new ArrayList<>();
        for (String line : lines("samples/documents.jsonl")) {
            JsonNode n = parse(line);
            out.add(new SampleDocument(n.get("id").asText(), n.path("title").asText(null), line));
        }
        return out;
    }

    public static List<SampleQuestion> questions() {
        List<SampleQuestion> out = new ArrayList<>();
        for (String line : lines("samples/questions.jsonl")) {
            JsonNode n = parse(line);
            out.add(
                    new SampleQuestion(
                            n.get("id").asText(),
                            n.get("question").asText(),
                            n.get("gold_doc").asText()));
        }
        return out;
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("bad sample line: " + e.getMessage(), e);
        }
    }

    private static List<String> lines(String resource) {
        InputStream in = Samples.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException(
                    "sample resource " + resource + " is missing from the classpath");
        }
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
