package dev.gemrag.pipeline.model;

import static dev.gemrag.pipeline.config.GemragOptions.EMBED_BATCH_TOKENS;
import static dev.gemrag.pipeline.config.GemragOptions.EMBED_MAX_WAIT;
import static dev.gemrag.pipeline.config.GemragOptions.MODEL_ADAPTER;
import static dev.gemrag.pipeline.config.GemragOptions.MODEL_PATH;
import static dev.gemrag.pipeline.config.GemragOptions.MODEL_THREADS;

import dev.gemrag.model.fetch.ModelLocator;
import dev.gemrag.model.gem.DefaultAdapter;
import dev.gemrag.operators.model.SharedEngineModels;
import dev.gemrag.pipeline.config.ConfigException;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.GemragOptions;

/**
 * model.path and model.adapter to files: the default model is fetched (checksum-verified) when
 * needed.
 */
public final class ModelResolver {
    private ModelResolver() {}

    /** Checks model.path and model.adapter here (one-line errors), and ships them as settings. */
    public static ConfiguredModel resolve(GemragConfig config) {
        String path = config.get(MODEL_PATH);
        try {
            ModelLocator.resolve(path.isBlank() ? null : path);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("model.path: " + e.getMessage());
        }
        String a = config.get(MODEL_ADAPTER).strip();
        try {
            DefaultAdapter.resolve(a.isEmpty() ? null : a);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("model.adapter: " + e.getMessage());
        }
        return new ConfiguredModel(
                path,
                a,
                config.get(MODEL_THREADS),
                config.get(GemragOptions.EMBED_MAX_INPUT_TOKENS));
    }

    /** The operators' door to the model: one shared engine per TaskManager JVM. */
    public static SharedEngineModels engine(GemragConfig config, ConfiguredModel model) {
        return new SharedEngineModels(
                model, config.get(EMBED_BATCH_TOKENS), config.get(EMBED_MAX_WAIT));
    }
}
