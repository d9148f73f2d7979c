package dev.gemrag.model.fetch;

import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves the model a command should load: an explicit path, else $GEMRAG_MODEL, else the default model. */
public final class ModelLocator {
    public static final String ENV = "GEMRAG_MODEL";

    private ModelLocator() {
    }

    /**
     * @param pathOrNull a GGUF file or Hugging Face directory, or null for $GEMRAG_MODEL / the default model
     * @throws IllegalArgumentException (one line) when the given path does not exist
     */
    public static Path resolve(String pathOrNull) {
        return resolve(pathOrNull, System.getenv(ENV));
    }

    static Path resolve(String pathOrNull, String env) {
        if (pathOrNull != null && !pathOrNull.isBlank()) {
            return existing(Path.of(pathOrNull), "--model");
        }
        if (env != null && !env.isBlank()) {
            return existing(Path.of(env), ENV);
        }
        return DefaultModel.path();
    }

    private static Path existing(Path p, String from) {
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("model not found: " + p + " (from " + from
                    + "); give a .gguf file or a Hugging Face directory");
        }
        return p;
    }
}
