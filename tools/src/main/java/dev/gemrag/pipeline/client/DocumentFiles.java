package dev.gemrag.pipeline.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Turns files into documents-topic records (key = id, value = JSON): a .jsonl holds one document
 * per line as is; a .txt / .md / .html file becomes one document whose id is its path relative to
 * the argument it was found under. Directories are walked.
 */
public final class DocumentFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One record for the documents topic. */
    public record Record(String key, String value) {}

    private DocumentFiles() {}

    public static List<Record> read(List<Path> paths, List<String> acl) {
        List<Record> out = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("no such file or directory: " + p);
            }
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    for (Path f :
                            walk.filter(Files::isRegularFile)
                                    .filter(DocumentFiles::supported)
                                    .sorted()
                                    .toList()) {
                        out.addAll(readFile(f, p.relativize(f).toString(), acl));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + p + ": " + e.getMessage(), e);
                }
            } else if (supported(p)) {
                out.addAll(readFile(p, p.getFileName().toString(), acl));
            } else {
                throw new IllegalArgumentException(
                        "cannot ingest " + p + ": use .txt, .md, .html or .jsonl files");
            }
        }
        return out;
    }

    static boolean supported(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".txt")
                || n.endsWith(".md")
                || n.endsWith(".markdown")
                || n.endsWith(".html")
                || n.endsWith(".htm")
                || n.endsWith(".jsonl");
    }

    private static List<Record> readFile(Path f, String id, List<String> acl) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        String content;
        try {
            content = Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
        if (name.endsWith(".jsonl")) {
            return jsonl(f, content);
        }
        String title;
        String text;
        if (name.endsWith(".html") || name.endsWith(".htm")) {
            title = HtmlText.title(content);
            text = HtmlText.text(content);
        } else {
            title = markdownTitle(content);
            text = content;
        }
        ObjectNode doc = JSON.createObjectNode();
        doc.put("id", id.replace('\\', '/'));
        doc.put("title", title != null ? title : f.getFileName().toString());
        doc.put("text", text);
        doc.put("url", f.toAbsolutePath().toUri().toString());
        if (!acl.isEmpty()) {
            acl.forEach(doc.putArray("acl")::add);
        }
        return List.of(new Record(doc.get("id").asText(), doc.toString()));
    }

    private static String markdownTitle(String md) {
        return md.lines()
                .filter(l -> l.startsWith("# "))
                .map(l -> l.substring(2).strip())
                .findFirst()
                .orElse(null);
    }

    /** Lines are sent as they are (the job validates them); only the key needs the id. */
    private static List<Record> jsonl(Path f, String content) {
        List<Record> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : content.split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String key = null;
            try {
                JsonNode n = JSON.readTree(line);
                if (n != null && n.hasNonNull("id")) {
                    key = n.get("id").asText();
                }
            } catch (IOException e) {
                // still sent: the job's parse step puts it in the dead-letter topic with the reason
            }
            if (key == null) {
                System.err.println(
                        "gemrag: "
                                + f
                                + ":"
                                + lineNo
                                + " has no \"id\"; sent anyway, expect a dead letter");
            }
            out.add(new Record(key, line));
        }
        return out;
    }
}
