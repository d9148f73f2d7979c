package dev.gemrag.pipeline.e2e;

import dev.gemrag.operators.model.ModelClient;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.model.ModelResolver;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Holds the default model in the JVM-wide engine registry from the first end-to-end class that uses
 * it to the end of the test run, so that each class's {@code EmbeddedStack} finds it loaded instead
 * of loading (and later freeing) its own copy: one model load per module run, not one per stack
 * (about 20 s each on an idle machine, a minute or more on a saturated one).
 *
 * <p>Only the model is shared. Every test still owns its Kafka broker, Milvus Lite and job, so a
 * test that stops a server cannot break another; the engine is stateless between requests.
 */
public final class SharedModel implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NS =
            ExtensionContext.Namespace.create(SharedModel.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        // the root store lives for the whole run and closes what it holds when the run ends
        context.getRoot().getStore(NS).getOrComputeIfAbsent("model", k -> new Hold(), Hold.class);
    }

    private static final class Hold implements ExtensionContext.Store.CloseableResource {
        private final ModelClient client;

        Hold() {
            GemragConfig defaults = GemragConfig.defaults();
            client = ModelResolver.engine(defaults, ModelResolver.resolve(defaults)).open();
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
