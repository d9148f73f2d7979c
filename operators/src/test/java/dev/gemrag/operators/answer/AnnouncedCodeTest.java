package dev.gemrag.operators.answer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnnouncedCodeTest {
    @Test
    void aCutInsideAnOpenBlockOrAfterALeadInIsPending() {
        assertThat(AnnouncedCode.pending("Use tail. For example:\n```bash\ntail -n 5 fi")).isTrue();
        assertThat(AnnouncedCode.pending("you can copy them with the following command:")).isTrue();
        assertThat(AnnouncedCode.pending("you can use:\n\n")).isTrue();
    }

    @Test
    void closedCodeOrdinaryTextAndSpansAreNot() {
        // an open span in prose: trimmed back to the last sentence instead
        assertThat(AnnouncedCode.pending("It prints the end. Use `tail -n 5 fi")).isFalse();
        assertThat(AnnouncedCode.pending("Use tail:\n```\ntail -n 5 file\n```\nIt prints"))
                .isFalse();
        assertThat(AnnouncedCode.pending("Run `tail -n 5 file` to see the end of it")).isFalse();
        assertThat(AnnouncedCode.pending("According to tail [1], it prints the last lines"))
                .isFalse();
        assertThat(AnnouncedCode.pending("")).isFalse();
    }
}
