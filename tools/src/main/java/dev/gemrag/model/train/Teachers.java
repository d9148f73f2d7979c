package dev.gemrag.model.train;

import dev.gemrag.model.eval.BgeSmallEmbedder;
import dev.gemrag.model.eval.MiniLmEmbedder;
import dev.gemrag.model.eval.TextEmbedder;
import java.nio.file.Path;
import java.util.List;

/**
 * The teacher embedders distillation may use: the same quantised ONNX models as the eval's peer
 * rows (langchain4j artifacts, training and eval code only; the job jar does not carry them).
 */
public final class Teachers {
    public static final List<String> NAMES = List.of("minilm", "bge-small");

    private Teachers() {}

    public static TextEmbedder create(String name) {
        return switch (name) {
            case "minilm" -> new MiniLmEmbedder();
            case "bge-small" -> new BgeSmallEmbedder();
            default ->
                    throw new IllegalArgumentException(
                            "unknown teacher '" + name + "', expected one of " + NAMES);
        };
    }

    /** The default cache folder: ~/.cache/gemrag/teachers. */
    public static Path defaultCacheDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "gemrag", "teachers");
    }
}
