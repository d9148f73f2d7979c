package dev.gemrag.pipeline.model;

import dev.gemrag.model.LanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import dev.gemrag.model.llama.TorchRuntime;
import dev.gemrag.operators.model.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model named by model.path / model.adapter, resolved to files when the job is built (so a task
 * manager loads exactly what the client checked) and loaded in the task manager.
 */
public final class ConfiguredModel implements ModelSource {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredModel.class);

    private final String base;
    private final String adapter; // null = no adapter
    private final int threads;
    private final boolean defaultAdapter;

    /** @param defaultAdapter whether the adapter was chosen by default (not named by the user) */
    public ConfiguredModel(Path base, Path adapter, int threads, boolean defaultAdapter) {
        this.defaultAdapter = defaultAdapter;
        this.base = base.toAbsolutePath().toString();
        this.adapter = adapter == null ? null : adapter.toAbsolutePath().toString();
        this.threads = threads;
    }

    @Override
    public String key() {
        return base + "|" + (adapter == null ? "no-adapter" : adapter);
    }

    public Path basePath() {
        return Path.of(base);
    }

    /** null when the model runs without a GEM adapter. */
    public Path adapterPath() {
        return adapter == null ? null : Path.of(adapter);
    }

    @Override
    public LanguageModel load() {
        long t0 = System.nanoTime();
        // The engine's worker is the only thread computing: give the native pool the configured threads.
        TorchRuntime.configureThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        Path basePath = Path.of(base);
        if (!Files.exists(basePath)) {
            throw new IllegalArgumentException("model.path " + basePath + " does not exist");
        }
        // lenient: the bundled default adapter is skipped (with a warning) if it was trained for another base.
        LanguageModel model = ModelRuntime.load(basePath, adapter == null ? null : Path.of(adapter),
                ModelRuntime.BASE_POOLING, defaultAdapter);
        LOG.info("model {} loaded in {} ms (adapter: {})", model.id(), (System.nanoTime() - t0) / 1_000_000,
                adapter == null ? "none, mean pooling" : adapter);
        return model;
    }
}
