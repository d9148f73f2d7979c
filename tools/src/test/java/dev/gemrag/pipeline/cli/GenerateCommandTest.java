package dev.gemrag.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Argument errors of {@code gemrag generate}: one line on stderr, non-zero exit, no model loaded.
 */
class GenerateCommandTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = GemragCli.run(args);
            return new Run(
                    exit,
                    out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static void assertOneLineError(Run r, String... fragments) {
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err())
                .startsWith("gemrag: ")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        for (String f : fragments) {
            assertThat(r.err()).contains(f);
        }
        assertThat(r.out()).isEmpty();
    }

    @Test
    void negativeMaxTokensIsOneLineError() {
        assertOneLineError(run("generate", "hello", "--max-tokens", "-1"), "--max-tokens", "-1");
    }

    @Test
    void zeroMaxTokensIsRejected() {
        assertOneLineError(run("generate", "hello", "--max-tokens", "0"), "--max-tokens");
    }

    @Test
    void topPOutsideRangeIsRejected() {
        assertOneLineError(run("generate", "hello", "--top-p", "1.5"), "--top-p", "1.5");
        assertOneLineError(run("generate", "hello", "--top-p", "0"), "--top-p");
    }

    @Test
    void negativeTemperatureIsRejected() {
        assertOneLineError(run("generate", "hello", "--temperature", "-0.5"), "--temperature");
    }

    @Test
    void nonNumericMaxTokensIsRejected() {
        assertOneLineError(run("generate", "hello", "--max-tokens", "many"), "many");
    }

    @Test
    void missingTextIsRejected() {
        assertOneLineError(run("generate"), "TEXT");
        assertOneLineError(run("generate", "  "), "TEXT");
    }

    @Test
    void missingModelFileNamesThePath(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-model.gguf");
        assertOneLineError(
                run("generate", "hello", "--model", missing.toString()), missing.toString());
    }
}
