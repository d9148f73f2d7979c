package dev.gemrag.model.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A BEIR retrieval set: {@code corpus.jsonl} ({"_id","title","text"}), {@code queries.jsonl}
 * ({"_id","text"}) and {@code qrels/test.tsv} (query-id, corpus-id, score; header line). Only
 * queries with at least one relevant document (score > 0) are kept.
 */
public record BeirDataset(
        List<Doc> corpus, List<Query> queries, Map<String, Map<String, Integer>> qrels) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Doc(String id, String title, String text) {
        /**
         * What gets embedded for a document, as the pipeline embeds chunks ({@link
         * dev.gemrag.model.gem.DocumentText}).
         */
        public String embeddingText() {
            return dev.gemrag.model.gem.DocumentText.of(title, text);
        }
    }

    public record Query(String id, String text) {}

    public static BeirDataset read(Path dir) throws IOException {
        Path corpusFile = require(dir.resolve("corpus.jsonl"));
        Path queriesFile = require(dir.resolve("queries.jsonl"));
        Path qrelsFile = require(dir.resolve("qrels").resolve("test.tsv"));
        List<Doc> corpus = new ArrayList<>();
        forEachJson(
                corpusFile,
                n ->
                        corpus.add(
                                new Doc(
                                        field(n, "_id", corpusFile),
                                        n.path("title").asText(""),
                                        field(n, "text", corpusFile))));
        List<Query> allQueries = new ArrayList<>();
        forEachJson(
                queriesFile,
                n ->
                        allQueries.add(
                                new Query(
                                        field(n, "_id", queriesFile),
                                        field(n, "text", queriesFile))));
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(qrelsFile, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || (i == 0 && line.startsWith("query-id"))) {
                continue;
            }
            String[] parts = line.split("\t");
            if (parts.length < 3) {
                throw new IOException(
                        qrelsFile
                                + ":"
                                + (i + 1)
                                + ": expected 'query-id<TAB>corpus-id<TAB>score', got '"
                                + line
                                + "'");
            }
            int score;
            try {
                score = Integer.parseInt(parts[2].strip());
            } catch (NumberFormatException e) {
                throw new IOException(
                        qrelsFile + ":" + (i + 1) + ": score '" + parts[2] + "' is not an integer");
            }
            if (score > 0) {
                qrels.computeIfAbsent(parts[0], q -> new LinkedHashMap<>()).put(parts[1], score);
            }
        }
        List<Query> queries = allQueries.stream().filter(q -> qrels.containsKey(q.id())).toList();
        return new BeirDataset(List.copyOf(corpus), queries, Collections.unmodifiableMap(qrels));
    }

    /**
     * A smaller set for quick runs: the first {@code maxDocs} documents that are relevant to some
     * query, the queries whose relevant documents all survived, and their qrels.
     */
    public BeirDataset subset(int maxDocs) {
        Set<String> relevant = new LinkedHashSet<>();
        qrels.values().forEach(m -> relevant.addAll(m.keySet()));
        List<Doc> docs =
                corpus.stream().filter(d -> relevant.contains(d.id())).limit(maxDocs).toList();
        Set<String> kept = new LinkedHashSet<>();
        docs.forEach(d -> kept.add(d.id()));
        List<Query> qs =
                queries.stream().filter(q -> kept.containsAll(qrels.get(q.id()).keySet())).toList();
        Map<String, Map<String, Integer>> qr = new LinkedHashMap<>();
        qs.forEach(q -> qr.put(q.id(), qrels.get(q.id())));
        return new BeirDataset(docs, qs, qr);
    }

    private static Path require(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new IOException("BEIR file missing: " + p);
        }
        return p;
    }

    private static String field(JsonNode n, String name, Path file) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(file + ": record without '" + name + "': " + n);
        }
        return v.asText();
    }

    private interface JsonConsumer {
        void accept(JsonNode node);
    }

    private static void forEachJson(Path file, JsonConsumer consumer) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    consumer.accept(JSON.readTree(line));
                } catch (IOException | IllegalArgumentException e) {
                    throw new IOException(file + ":" + no + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
