package dev.gemrag.pipeline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void filesBecomeDocumentsWithIdsRelativeToTheArgument() throws Exception {
        Path docs = Files.createDirectories(dir.resolve("docs/sub"));
        Files.writeString(dir.resolve("docs/readme.md"), "# Getting started\n\nRun it.");
        Files.writeString(docs.resolve("page.html"), "<title>Page</title><p>Hello</p>");
        Files.writeString(docs.resolve("skip.bin"), "xx");
        List<DocumentFiles.Record> out =
                DocumentFiles.read(List.of(dir.resolve("docs")), List.of("staff"));
        assertThat(out)
                .extracting(DocumentFiles.Record::key)
                .containsExactly("readme.md", "sub/page.html");
        JsonNode md = JSON.readTree(out.get(0).value());
        assertThat(md.get("title").asText()).isEqualTo("Getting started");
        assertThat(md.get("text").asText()).isEqualTo("# Getting started\n\nRun it.");
        assertThat(md.get("acl").get(0).asText()).isEqualTo("staff");
        JsonNode html = JSON.readTree(out.get(1).value());
        assertThat(html.get("title").asText()).isEqualTo("Page");
        assertThat(html.get("text").asText()).isEqualTo("Hello");
    }

    @Test
    void jsonlLinesAreSentAsTheyAreKeyedByTheirId() throws Exception {
        Path f = dir.resolve("d.jsonl");
        Files.writeString(f, "{\"id\":\"a\",\"text\":\"x\"}\n\n{\"text\":\"no id\"}\n");
        List<DocumentFiles.Record> out = DocumentFiles.read(List.of(f), List.of());
        assertThat(out)
                .containsExactly(
                        new DocumentFiles.Record("a", "{\"id\":\"a\",\"text\":\"x\"}"),
                        new DocumentFiles.Record(null, "{\"text\":\"no id\"}"));
    }

    @Test
    void missingOrUnsupportedPathsAreNamed() throws Exception {
        assertThatThrownBy(() -> DocumentFiles.read(List.of(dir.resolve("nope.md")), List.of()))
                .hasMessage("no such file or directory: " + dir.resolve("nope.md"));
        Path bin = Files.writeString(dir.resolve("x.pdf"), "%PDF");
        assertThatThrownBy(() -> DocumentFiles.read(List.of(bin), List.of()))
                .hasMessage("cannot ingest " + bin + ": use .txt, .md, .html or .jsonl files");
    }
}
