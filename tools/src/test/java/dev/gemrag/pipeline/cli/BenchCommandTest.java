package dev.gemrag.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Argument errors of {@code gemrag bench} are one line and a non-zero exit, before any model loads.
 */
class BenchCommandTest {

    private static String runExpectingError(String... args) {
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

    @Test
    void zeroThreadsIsRejected() {
        assertThat(runExpectingError("bench", "--threads", "0")).contains("--threads");
    }

    @Test
    void zeroRepeatsIsRejected() {
        assertThat(runExpectingError("bench", "--repeats", "0")).contains("--repeats");
    }

    @Test
    void zeroRoundsAreRejected() {
        assertThat(runExpectingError("bench", "--rounds", "0")).contains("--rounds");
    }

    @Test
    void tooFewLeakCheckIterationsAreRejected() {
        assertThat(runExpectingError("bench", "--rss", "--iterations", "3"))
                .contains("--iterations");
    }
}
