package dev.gemrag.model.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLocatorTest {
    @TempDir
    Path tmp;

    @Test
    void explicitPathWins() throws Exception {
        Path model = Files.writeString(tmp.resolve("m.gguf"), "x");
        Path env = Files.writeString(tmp.resolve("env.gguf"), "y");
        assertThat(ModelLocator.resolve(model.toString(), env.toString())).isEqualTo(model);
    }

    @Test
    void environmentIsUsedWithoutExplicitPath() throws Exception {
        Path env = Files.createDirectories(tmp.resolve("hf-dir"));
        assertThat(ModelLocator.resolve(null, env.toString())).isEqualTo(env);
    }

    @Test
    void missingPathIsOneLineNamingIt() {
        String missing = tmp.resolve("nope.gguf").toString();
        assertThatThrownBy(() -> ModelLocator.resolve(missing, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model not found: " + missing).hasMessageContaining("--model")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> ModelLocator.resolve(null, missing)).hasMessageContaining(ModelLocator.ENV);
    }
}
