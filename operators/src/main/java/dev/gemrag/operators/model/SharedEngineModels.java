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
 * is closed when the last of them closes its client. The engine's queue rejects when full and
 * {@link EngineAdmission} retries off-thread, so a Flink task thread never blocks on it.
 */
public final class SharedEngineModels implements ModelClientFactory {
    private static final long serialVersionUID = 1L;

    private final ModelSource source;
    private final int batchTokens;
    private final long maxWaitMillis;
    private final int queueCapacity;

    public SharedEngineModels(ModelSource source, int batchTokens, Duration maxWait) {
        this(source, batchTokens, maxWait, EngineOptions.defaults().queueCapacity());
    }

    /**
     * @param queueCapacity requests the shared engine queues at most; beyond, submissions wait
     *     off-thread
     */
    public SharedEngineModels(
            ModelSource source, int batchTokens, Duration maxWait, int queueCapacity) {
        this.source = source;
        this.batchTokens = batchTokens;
        this.maxWaitMillis = maxWait.toMillis();
        this.queueCapacity = queueCapacity;
    }

    @Override
    public ModelClient open() {
        EngineOptions options =
                EngineOptions.defaults()
                        .withQueue(queueCapacity, EngineOptions.FullQueuePolicy.REJECT)
                        .withBatching(
                                batchTokens,
                                EngineOptions.defaults().maxBatch(),
                                Duration.ofMillis(maxWaitMillis));
        // the registry loads outside its lock: opening a client for another model never waits for
        // this load
        EngineRegistry.Lease lease =
                EngineRegistry.shared().acquire(source.key(), source::load, options);
        return new Client(lease, queueCapacity);
    }

    private static final class Client implements ModelClient {
        private final EngineRegistry.Lease lease;
        private final int queueCapacity;

        Client(EngineRegistry.Lease lease, int queueCapacity) {
            this.lease = lease;
            this.queueCapacity = queueCapacity;
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
            // never blocks the caller: a full queue is retried off-thread (closed: fails the
            // future)
            return EngineAdmission.embed(
                    lease::engine, queueCapacity, texts, (e, part) -> e.embedAll(part, role));
        }

        @Override
        public int[] embeddingTokens(String text, EmbedRole role) {
            return lease.engine().embeddingTokens(text, role);
        }

        @Override
        public int embeddingSummaryTokens() {
            return lease.engine().embeddingSummaryTokens();
        }

        @Override
        public CompletableFuture<List<float[]>> embedTokens(List<int[]> tokens, EmbedRole role) {
            return EngineAdmission.embed(
                    lease::engine,
                    queueCapacity,
                    tokens,
                    (e, part) -> e.embedAllTokens(part, role));
        }

        @Override
        public CompletableFuture<GenerationResult> generate(
                String prompt, GenerationParams params) {
            return EngineAdmission.submit(() -> lease.engine().generate(prompt, params));
        }

        @Override
        public CompletableFuture<double[]> score(List<String> contexts, String continuation) {
            return EngineAdmission.submit(() -> lease.engine().score(contexts, continuation));
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
