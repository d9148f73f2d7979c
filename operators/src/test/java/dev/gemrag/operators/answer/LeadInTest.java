package dev.gemrag.operators.answer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeadInTest {
    @Test
    void anAnnouncingClauseAtTheEndGoesAndTheSentenceEnds() {
        assertThat(
                        LeadIn.dropClause(
                                "According to cp [1], you can copy files and directories using the following command:"))
                .isEqualTo("According to cp [1], you can copy files and directories.");
        assertThat(
                        LeadIn.dropClause(
                                "According to wc [1], to count the lines of a file using wc [2], you can use:"))
                .isEqualTo("According to wc [1], to count the lines of a file using wc [2].");
        assertThat(LeadIn.dropClause("Remove it with the following options:"))
                .isEqualTo("Remove it.");
    }

    @Test
    void anUnrecognisedAnnouncementIsKept() {
        // nothing to fall back on without rewriting the sentence
        assertThat(LeadIn.dropClause("Run the following command:"))
                .isEqualTo("Run the following command:");
        assertThat(
                        LeadIn.dropClause(
                                "you can use the following command to print lines that match a pattern:"))
                .isEqualTo(
                        "you can use the following command to print lines that match a pattern:");
        assertThat(LeadIn.dropClause("Use cp.")).isEqualTo("Use cp.");
    }

    @Test
    void theAnswerIsGoesWhenAnAnswerFollows() {
        assertThat(LeadIn.dropAnswerIs("the answer is: tar.")).isEqualTo("tar.");
        assertThat(LeadIn.dropAnswerIs("The answer to your question is df -h [1]."))
                .isEqualTo("df -h [1].");
        assertThat(LeadIn.dropAnswerIs("The answer is:")).isEqualTo("The answer is:");
        assertThat(LeadIn.dropAnswerIs("The answer depends on -r."))
                .isEqualTo("The answer depends on -r.");
    }
}
