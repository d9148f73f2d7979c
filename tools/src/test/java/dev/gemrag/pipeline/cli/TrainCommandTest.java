package dev.gemrag.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Argument errors of {@code gemrag train} are one line and a non-zero exit, before any model loads
 * or any pair is read.
 */
class TrainCommandTest {

    private static String[] pairRun(String... more) {
        String[] base = {
            "train",
            "--pairs",
            "no-such-pairs.jsonl",
            "--out",
            "no-such-dir/a.json",
            "--lora-positions",
            "summary",
            "--ntp-steps",
            "0"
        };
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void aLogitScaleOutsideOneToAHundredIsRejected() {
        assertThat(CliErrors.runExpectingError(pairRun("--logit-scale", "0.5")))
                .contains("--logit-scale");
        assertThat(CliErrors.runExpectingError(pairRun("--logit-scale", "200")))
                .contains("--logit-scale");
    }

    @Test
    void aLogitScaleWithInitIsRejected() {
        assertThat(
                        CliErrors.runExpectingError(
                                pairRun("--logit-scale", "50", "--init", "stage1.json")))
                .contains("--logit-scale")
                .contains("--init");
    }
}
