package dev.gemrag.pipeline.model;

import static dev.gemrag.pipeline.config.GemragOptions.EMBED_BATCH_TOKENS;
import static dev.gemrag.pipeline.config.GemragOptions.EMBED_MAX_WAIT;
import static dev.gemrag.pipeline.config.GemragOptions.MODEL_ADAPTER;
import static dev.gemrag.pipeline.config.GemragOptions.MODEL_PATH;
import static dev.gemrag.pipeline.config.GemragOptions.MODEL_THREADS;

import dev.gemrag.model.fetch.ModelLocator;
import dev.gemrag.operators.model.SharedEngineModels;
import dev.gemrag.pipeline.config.ConfigException;
import dev.gemrag.pipeline.config.GemragConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** model.path and model.adapter to files: the default model is fetched (checksum-verified) when needed. */
public final class ModelResolver {
    private ModelResolver() {}

    public static ConfiguredModel resolve(GemragConfig config) {
        String path = config.get(MODEL_PATH);
        Path base;
        try {
            base = ModelLocator.resolve(path.isBlank() ? null : path);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("model.path: " + e.getMessage());
        }
        String a = config.get(MODEL_ADAPTER).strip();
        Path adapter;
        if (a.equalsIgnoreCase("none")) {
            adapter = null;
        } else if (a.isEmpty()) {
            adapter = DefaultAdapter.find(base);
        } else {
            adapter = Path.of(a);
            if (!Files.isRegularFile(adapter)) {
                throw new ConfigException("model.adapter " + adapter + " does not exist (give the adapter's .json descriptor, or 'none')");
            }
        }
        return new ConfiguredModel(base, adapter, config.get(MODEL_THREADS));
    }

    /** The operators' door to the model: one shared engine per TaskManager JVM. */
    public static SharedEngineModels engine(GemragConfig config, ConfiguredModel model) {
        return new SharedEngineModels(model, config.get(EMBED_BATCH_TOKENS), config.get(EMBED_MAX_WAIT));
    }
}
