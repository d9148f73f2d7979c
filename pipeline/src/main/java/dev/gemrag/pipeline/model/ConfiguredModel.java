package dev.gemrag.pipeline.model;

import dev.gemrag.model.LanguageModel;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelSelection;
import dev.gemrag.model.llama.TorchRuntime;
import dev.gemrag.operators.model.ModelSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model named by model.path / model.adapter. Shipped with the job as the settings, not as
 * resolved files: each TaskManager resolves them itself (its default model and bundled adapter live
 * in its own cache), so the client and the cluster need not share a home directory.
 */
public final class ConfiguredModel implements ModelSource {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredModel.class);

    private final String path; // "" = $GEMRAG_MODEL_PATH or the default model
    private final String
            adapter; // "" = $GEMRAG_MODEL_ADAPTER or the bundled default, "none" = no adapter
    private final int threads; // 0 = one per core
    private final int embedMaxInputTokens; // 0 = the adapter's (or base pooling's) own limit

    public ConfiguredModel(String path, String adapter, int threads) {
        this(path, adapter, threads, 0);
    }

    /**
     * @param embedMaxInputTokens embed.max-input-tokens: the model cuts longer embedding inputs to
     *     it (0: keep the model's)
     */
    public ConfiguredModel(String path, String adapter, int threads, int embedMaxInputTokens) {
        this.path = path == null ? "" : path.strip();
        this.adapter = adapter == null ? "" : adapter.strip();
        this.threads = threads;
        this.embedMaxInputTokens = embedMaxInputTokens;
    }

    @Override
    public String key() {
        return "model="
                + path
                + "|adapter="
                + adapter
                + (embedMaxInputTokens > 0 ? "|embed-max=" + embedMaxInputTokens : "");
    }

    /** The embedding input limit the loaded model will apply (0: the model's own). */
    public int embedMaxInputTokens() {
        return embedMaxInputTokens;
    }

    @Override
    public LanguageModel load() {
        long t0 = System.nanoTime();
        // The engine's worker is the only thread computing: give the native pool the configured
        // threads.
        TorchRuntime.configureThreads(
                threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        ModelSelection selection = ModelSelection.resolve(path, adapter);
        GemLanguageModel model = selection.load();
        if (embedMaxInputTokens > 0) {
            model.setEmbeddingMaxTokens(embedMaxInputTokens);
        }
        LOG.info(
                "model {} loaded in {} ms from {} (adapter: {})",
                model.id(),
                (System.nanoTime() - t0) / 1_000_000,
                selection.base(),
                selection.adapter() == null ? "none, mean pooling" : selection.adapter());
        return model;
    }
}
