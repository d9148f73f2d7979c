package dev.gemrag.pipeline.cli;

import java.nio.file.Path;

/** Where the CLI finds models when no --model is given. */
final class CliModels {
    private CliModels() {}

    static Path defaultModel() {
        return Path.of(System.getProperty("user.home"), ".cache", "gemrag", "models", "SmolLM2-135M-Instruct.Q4_1.gguf");
    }
}
