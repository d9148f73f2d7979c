package dev.gemrag.operators.model;

import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.model.engine.EngineListener;
import dev.gemrag.model.engine.EngineOptions;
import dev.gemrag.model.engine.EngineRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ModelClientFactory} over the JVM-wide {@link EngineRegistry}: every operator instance of a
 * TaskManager that names the same model shares one loaded copy and one batching worker; the model
 * is closed when the last of them closes its client.
 */
public final class SharedEngineModels implements ModelClientFactory {
    private static final long serialVersionUID = 1L;

    private final ModelSource source;
    private final int batchTokens;
    private final long maxWaitMillis;

    public SharedEngineModels(ModelSource source, int batchTokens, Duration maxWait) {
        this.source = source;
        this.batchTokens = batchTokens;
        this.maxWaitMillis = maxWait.toMillis();
    }

    @Override
    public ModelClient open() {
        EngineOptions options = EngineOptions.defaults()
                .withBatching(batchTokens, EngineOptions.defaults().maxBatch(), Duration.ofMillis(maxWaitMillis));
        // The engine exposes the tokenizer and chat template itself: no second registry of loaded models.
        return new Client(EngineRegistry.shared().acquire(source.key(), source::load, options));
    }

    private static final class Client implements ModelClient {
        private final EngineRegistry.Lease lease;

        Client(EngineRegistry.Lease lease) {
            this.lease = lease;
        }

        @Override
        public String modelId() {
            return lease.engine().modelId();
        }

        @Override
        public int embeddingDimension() {
            return lease.engine().embeddingDimension();
        }

        @Override
        public TextTokenizer tokenizer() {
            return lease.engine().tokenizer();
        }

        @Override
        public String applyChatTemplate(List<ChatMessage> messages) {
            return lease.engine().applyChatTemplate(messages);
        }

        @Override
        public CompletableFuture<List<float[]>> embed(List<String> texts, EmbedRole role) {
            try {
                return lease.engine().embedAll(texts, role);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e); // overloaded / closed: the async retry decides
            }
        }

        @Override
        public CompletableFuture<GenerationResult> generate(String prompt, GenerationParams params) {
            try {
                return lease.engine().generate(prompt, params);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public AutoCloseable addListener(EngineListener listener) {
            return lease.engine().addListener(listener);
        }

        @Override
        public int queueDepth() {
            return lease.engine().queueDepth();
        }

        @Override
        public void close() {
            lease.close();
        }
    }
}
