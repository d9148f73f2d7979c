package dev.gemrag.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Argument errors of {@code gemrag bench} are one line and a non-zero exit, before any model loads.
 */
class BenchCommandTest {

    @Test
    void zeroThreadsIsRejected() {
        assertThat(CliErrors.runExpectingError("bench", "--threads", "0")).contains("--threads");
    }

    @Test
    void zeroRepeatsIsRejected() {
        assertThat(CliErrors.runExpectingError("bench", "--repeats", "0")).contains("--repeats");
    }

    @Test
    void zeroRoundsAreRejected() {
        assertThat(CliErrors.runExpectingError("bench", "--rounds", "0")).contains("--rounds");
    }

    @Test
    void tooFewLeakCheckIterationsAreRejected() {
        assertThat(CliErrors.runExpectingError("bench", "--rss", "--iterations", "3"))
                .contains("--iterations");
    }
}
