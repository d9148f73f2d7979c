package dev.gemrag.pipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Each measure against values worked out by hand. */
class AnswerMetricsTest {
    @Test
    void tokensAreLowerCaseRunsOfLettersAndDigits() {
        assertThat(AnswerMetrics.tokens("Use `cp -R` [1], OK?"))
                .containsExactly("use", "cp", "r", "1", "ok");
    }

    @Test
    void aLoopIsA4gramSeenThreeTimes() {
        // "the directory name is" x3 (the example, shortened)
        assertThat(
                        AnswerMetrics.loops(
                                "The directory name is x. The directory name is y. The directory name is z."))
                .isTrue();
        // twice is not a loop
        assertThat(AnswerMetrics.loops("The directory name is x. The directory name is y."))
                .isFalse();
        // overlapping occurrences count: "a a a a a a" has "a a a a" three times
        assertThat(AnswerMetrics.loops("a a a a a a")).isTrue();
        assertThat(AnswerMetrics.loops("a a a a a")).isFalse();
        assertThat(AnswerMetrics.loops("shred -u /dev/fd /dev/fd /dev/fd /dev/fd")).isTrue();
    }

    @Test
    void tokenF1CountsSharedTokensAsAMultiset() {
        // answer: use cp to copy (4), gold: cp copies files use cp (5); shared: use, cp = 2
        // p = 2/4, r = 2/5, f1 = 2 * 0.5 * 0.4 / 0.9 = 0.4444
        assertThat(AnswerMetrics.tokenF1("use cp to copy", "cp copies files, use cp"))
                .isCloseTo(4.0 / 9.0, within(1e-12));
        assertThat(AnswerMetrics.tokenF1("cp cp cp", "cp"))
                .isCloseTo(2 * (1.0 / 3) * 1 / (1.0 / 3 + 1), within(1e-12));
        assertThat(AnswerMetrics.tokenF1("nothing shared", "cp")).isZero();
        assertThat(AnswerMetrics.tokenF1("Use cp.", "use CP")).isEqualTo(1.0);
    }

    @Test
    void rougeLIsTheF1OfTheLongestCommonSubsequence() {
        // a: the cat sat on the mat (6), g: the cat lay on a mat (6): LCS the cat on mat = 4 -> p =
        // r = f = 4/6
        assertThat(AnswerMetrics.rougeL("the cat sat on the mat", "the cat lay on a mat"))
                .isCloseTo(4.0 / 6, within(1e-12));
        // order matters (unlike F1): a: b a (2), g: a b (2): LCS 1 -> 0.5
        assertThat(AnswerMetrics.rougeL("b a", "a b")).isCloseTo(0.5, within(1e-12));
        assertThat(AnswerMetrics.tokenF1("b a", "a b")).isEqualTo(1.0);
        assertThat(AnswerMetrics.rougeL("", "a")).isZero();
    }

    @Test
    void namesMeansTheTitleAsAWholeWord() {
        assertThat(AnswerMetrics.names("According to cp [1], use `cp -R src dst`.", "cp")).isTrue();
        assertThat(AnswerMetrics.names("Run SSH-KEYGEN to make a key.", "ssh-keygen")).isTrue();
        // inside another word or command name it does not count
        assertThat(AnswerMetrics.names("Use scp to copy over ssh.", "cp")).isFalse();
        assertThat(AnswerMetrics.names("Use ssh-keygen.", "ssh")).isFalse();
        assertThat(AnswerMetrics.names("anything", null)).isFalse();
    }
}
