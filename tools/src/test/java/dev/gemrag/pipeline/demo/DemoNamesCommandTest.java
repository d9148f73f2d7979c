package dev.gemrag.pipeline.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoNamesCommandTest {
    @Test
    void theCommandMustAppearAsAWord() {
        assertThat(Demo.namesCommand("Use `cp -r` [1].", "cp.1")).isTrue();
        assertThat(Demo.namesCommand("Use ssh-keygen -t ed25519.", "ssh-keygen.1")).isTrue();
        assertThat(Demo.namesCommand("Copy them with scp.", "cp.1")).isFalse();
        assertThat(Demo.namesCommand("Run ssh-keygen.", "ssh.1")).isFalse();
        assertThat(Demo.namesCommand("Use tar.", "tar.1")).isTrue();
    }
}
