package dev.gemrag.model.fetch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Resolves the model a command should load: an explicit path, else $GEMRAG_MODEL_PATH (the
 * environment name of the configuration key model.path; the old $GEMRAG_MODEL still works, with a
 * warning), else the default model.
 */
public final class ModelLocator {
    public static final String ENV = "GEMRAG_MODEL_PATH";
    static final RenamedEnv VARIABLE = new RenamedEnv(ENV, "GEMRAG_MODEL");

    private ModelLocator() {}

    /**
     * @param pathOrNull a GGUF file or Hugging Face directory, or null for $GEMRAG_MODEL_PATH / the
     *     default model
     * @throws IllegalArgumentException (one line) when the given path does not exist
     */
    public static Path resolve(String pathOrNull) {
        return resolveFrom(pathOrNull, System.getenv());
    }

    static Path resolve(String pathOrNull, String env) {
        return resolveFrom(pathOrNull, env == null ? Map.of() : Map.of(ENV, env));
    }

    static Path resolveFrom(String pathOrNull, Map<String, String> env) {
        if (pathOrNull != null && !pathOrNull.isBlank()) {
            return existing(Path.of(pathOrNull), "--model");
        }
        String fromEnv = VARIABLE.read(env);
        if (fromEnv != null) {
            return existing(Path.of(fromEnv), VARIABLE.source(env));
        }
        return DefaultModel.path();
    }

    private static Path existing(Path p, String from) {
        if (!Files.exists(p)) {
            throw new IllegalArgumentException(
                    "model not found: "
                            + p
                            + " (from "
                            + from
                            + "); give a .gguf file or a Hugging Face directory");
        }
        return p;
    }
}
