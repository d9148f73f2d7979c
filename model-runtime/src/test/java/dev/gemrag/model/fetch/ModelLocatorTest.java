package dev.gemrag.model.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLocatorTest {
    @TempDir Path tmp;

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
        assertThatThrownBy(() -> ModelLocator.resolve(missing, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model not found: " + missing)
                .hasMessageContaining("--model")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> ModelLocator.resolve(null, missing))
                .hasMessageContaining(ModelLocator.ENV);
    }

    @Test
    void theOldVariableStillWorksButTheConfigKeysNameWins(@TempDir Path tmp) throws Exception {
        Path oldOne = Files.writeString(tmp.resolve("old.gguf"), "x");
        Path newOne = Files.writeString(tmp.resolve("new.gguf"), "y");
        assertThat(ModelLocator.ENV).isEqualTo("GEMRAG_MODEL_PATH");
        assertThat(
                        ModelLocator.resolveFrom(
                                null, java.util.Map.of("GEMRAG_MODEL", oldOne.toString())))
                .isEqualTo(oldOne);
        assertThat(
                        ModelLocator.resolveFrom(
                                null,
                                java.util.Map.of(
                                        "GEMRAG_MODEL",
                                        oldOne.toString(),
                                        "GEMRAG_MODEL_PATH",
                                        newOne.toString())))
                .isEqualTo(newOne);
        String missing = tmp.resolve("gone.gguf").toString();
        assertThatThrownBy(
                        () ->
                                ModelLocator.resolveFrom(
                                        null, java.util.Map.of("GEMRAG_MODEL", missing)))
                .hasMessageContaining("(from GEMRAG_MODEL)");
    }
}
