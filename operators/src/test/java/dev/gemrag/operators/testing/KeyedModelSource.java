package dev.gemrag.operators.testing;

import dev.gemrag.model.LanguageModel;
import dev.gemrag.operators.model.ModelSource;
import java.io.Serializable;

/**
 * A {@link ModelSource} made of a registry key (one per test, so the JVM-wide engine registry
 * shares its model with no other test) and a serializable loader.
 *
 * <pre>{@code
 * new SharedEngineModels(new KeyedModelSource("MyIT", () -> ModelRuntime.load(path, null)), ...)
 * }</pre>
 */
public record KeyedModelSource(String key, Loader loader) implements ModelSource {
    private static final long serialVersionUID = 1L;

    /** Loads the model in the task manager (here: the test's JVM). */
    public interface Loader extends Serializable {
        LanguageModel load() throws Exception;
    }

    @Override
    public LanguageModel load() {
        try {
            return loader.load();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("loading the model of " + key + " failed", e);
        }
    }
}
