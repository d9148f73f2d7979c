package dev.gemrag.model;

import dev.gemrag.annotations.PublicApi;
import dev.gemrag.model.gguf.GgufCheckpointLoader;
import dev.gemrag.model.hf.HfCheckpointLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a base model from a GGUF file or a Hugging Face directory (config.json + *.safetensors).
 */
@PublicApi
public final class CheckpointLoader {
    private CheckpointLoader() {}

    public static Checkpoint load(Path path) {
        if (Files.isDirectory(path)) {
            return HfCheckpointLoader.load(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(
                    path + ": model not found (expected a .gguf file or a Hugging Face directory)");
        }
        return GgufCheckpointLoader.load(path);
    }
}
