package dev.gemrag.pipeline.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the default GEM adapter for the default model is looked for. */
final class DefaultAdapter {
    private DefaultAdapter() {}

    /** The default adapter descriptor next to the cache, or null (then the model runs with mean pooling). */
    static Path find(Path base) {
        Path dir = Path.of(System.getProperty("user.home"), ".cache", "gemrag", "adapters");
        String stem = base.getFileName().toString().replaceFirst("\\.gguf$", "");
        Path candidate = dir.resolve(stem + ".gem.json");
        return Files.isRegularFile(candidate) ? candidate : null;
    }
}
