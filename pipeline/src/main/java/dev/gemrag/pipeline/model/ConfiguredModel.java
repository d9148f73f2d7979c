package dev.gemrag.pipeline.model;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.LanguageModel;
import dev.gemrag.model.Pooling;
import dev.gemrag.model.gem.GemAdapter;
import dev.gemrag.model.gem.ModelRuntime;
import dev.gemrag.model.generate.ChatTemplate;
import dev.gemrag.model.gguf.GgufCheckpointLoader;
import dev.gemrag.model.tokenizer.HfTextTokenizer;
import dev.gemrag.operators.model.ModelSource;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    public ConfiguredModel(Path base, Path adapter, int threads) {
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
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Path basePath = Path.of(base);
        if (!Files.exists(basePath)) {
            throw new IllegalArgumentException("model.path " + basePath + " does not exist");
        }
        Checkpoint checkpoint = GgufCheckpointLoader.load(basePath);
        HfTextTokenizer tokenizer = HfTextTokenizer.of(checkpoint);
        GemAdapter gem = null;
        if (adapter != null) {
            try {
                gem = GemAdapter.read(Path.of(adapter));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read GEM adapter " + adapter + ": " + e.getMessage(), e);
            }
        }
        LanguageModel model = ModelRuntime.fromCheckpoint(checkpoint, gem, tokenizer, Pooling.MEAN,
                ChatTemplate.fromJinja(checkpoint.chatTemplate())::render);
        LOG.info("model {} loaded in {} ms (adapter: {})", model.id(), (System.nanoTime() - t0) / 1_000_000,
                adapter == null ? "none, mean pooling" : adapter);
        return model;
    }
}
