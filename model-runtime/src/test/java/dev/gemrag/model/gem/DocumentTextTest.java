package dev.gemrag.model.gem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DocumentTextTest {
    @Test
    void titleOnTheFirstLineThenTheText() {
        assertThat(DocumentText.of(" cp ", "copy files")).isEqualTo("cp\ncopy files");
        assertThat(DocumentText.of("", "copy files")).isEqualTo("copy files");
        assertThat(DocumentText.of(null, "copy files")).isEqualTo("copy files");
    }
}
