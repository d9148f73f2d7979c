package dev.gemrag.model.gem;

import dev.gemrag.annotations.PublicApi;
import dev.gemrag.model.fetch.ModelLocator;
import java.nio.file.Path;

/**
 * The one way from "what the user named" to a loaded model: base = the given path, else
 * $GEMRAG_MODEL_PATH, else the default model (fetched and checksum-verified); adapter = the given
 * path or "none", else $GEMRAG_MODEL_ADAPTER, else the bundled one when it was trained for this
 * base. The CLI ({@code --model}/{@code --adapter}), the job ({@code model.path}/{@code
 * model.adapter}) and {@link ModelRuntime#loadDefault} all go through {@link #resolve} then {@link
 * #load}.
 *
 * @param base the base checkpoint (GGUF file or Hugging Face directory)
 * @param adapter the adapter descriptor, or null for none
 * @param adapterExplicit whether the adapter (or "none") was named; a bundled default that does not
 *     fit the base is skipped with a warning, a named one is refused
 */
@PublicApi
public record ModelSelection(Path base, Path adapter, boolean adapterExplicit) {

    /**
     * @param modelOrNull base path, or null/blank for the environment or the default model
     * @param adapterOrNull adapter descriptor path or "none", or null/blank for the environment or
     *     the bundled one
     * @throws IllegalArgumentException (one line) when a named path does not exist
     */
    public static ModelSelection resolve(String modelOrNull, String adapterOrNull) {
        Path base = ModelLocator.resolve(blankToNull(modelOrNull));
        DefaultAdapter.Choice choice = DefaultAdapter.resolve(blankToNull(adapterOrNull));
        return new ModelSelection(base, choice.path(), choice.explicit());
    }

    /**
     * Loads base + adapter (or the base with {@link ModelRuntime#BASE_POOLING} when there is none).
     */
    public GemLanguageModel load() {
        return ModelRuntime.load(base, adapter, ModelRuntime.BASE_POOLING, !adapterExplicit);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
