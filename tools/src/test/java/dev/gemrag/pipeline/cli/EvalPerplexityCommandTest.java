package dev.gemrag.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument errors of {@code gemrag eval-perplexity}: one line each, before any model loads. */
class EvalPerplexityCommandTest {
    @TempDir Path dir;

    @Test
    void aMissingTextFileIsOneLine() {
        assertThat(
                        CliErrors.runExpectingError(
                                "eval-perplexity", "--text", dir.resolve("nope.txt").toString()))
                .contains("--text: cannot read");
    }

    @Test
    void aNegativeLineCountIsOneLine() throws Exception {
        Path text = Files.writeString(dir.resolve("t.txt"), "some held-out prose\n");
        assertThat(
                        CliErrors.runExpectingError(
                                "eval-perplexity", "--text", text.toString(), "--last-lines", "-1"))
                .contains("--last-lines must be >= 0");
    }
}
