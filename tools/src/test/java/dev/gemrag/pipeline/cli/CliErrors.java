package dev.gemrag.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI expecting an argument error: a non-zero exit and one line on standard error. */
final class CliErrors {
    private CliErrors() {}

    /** The error line, after checking it is one line starting "gemrag: ". */
    static String runExpectingError(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(GemragCli.run(args)).isNotZero();
        } finally {
            System.setErr(oldErr);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text.strip().lines()).hasSize(1);
        assertThat(text).startsWith("gemrag: ");
        return text;
    }
}
