package dev.gemrag.model.engine;

import dev.gemrag.annotations.PublicApi;
import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.GenerationSession;
import dev.gemrag.model.LanguageModel;
import dev.gemrag.model.TextTokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door to a {@link LanguageModel} for many threads. Callers enqueue embedding and
 * generation requests and get futures; a single worker thread owns the model, takes batches from
 * the queue (see {@link RequestQueue}) and completes the futures. A failing batch fails only its
 * own futures.
 *
 * <pre>{@code
 * try (EngineRegistry.Lease lease = EngineRegistry.shared().acquire(key, loader, EngineOptions.defaults())) {
 *     float[] v = lease.engine().embed("how do I copy files", EmbedRole.QUERY).join();
 * }
 * }</pre>
 *
 * Obtain engines through {@link EngineRegistry} so one model is shared per JVM.
 *
 * <p>Continuous batching when the model offers a {@link GenerationSession}: generation requests
 * join the running decode batch before the next step (up to {@link
 * EngineOptions#maxGenerationBatch()} rows), each leaves as soon as it is done, and between two
 * decode steps the worker runs at most one other batch (questions first, then new prompts' prefill,
 * then documents), so decoding never waits more than one batch. {@link BatchStats} for GENERATE
 * then cover the prefill (the join), not the whole generation.
 */
@PublicApi
public final class BatchingEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchingEngine.class);

    private final LanguageModel model;
    private final String name;
    private final RequestQueue queue;
    private final EngineOptions options;
    private final Thread worker;
    private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public BatchingEngine(LanguageModel model, EngineOptions options) {
        this.model = model;
        this.name = model.id();
        this.queue = new RequestQueue(options);
        this.options = options;
        this.worker = new Thread(this::loop, "gemrag-engine-" + name);
        worker.setDaemon(true);
        worker.start();
    }

    public String modelId() {
        return name;
    }

    public int embeddingDimension() {
        return model.embeddingDimension();
    }

    /** The model's tokenizer, for counting and cutting text; no queue (reads are thread-safe). */
    public TextTokenizer tokenizer() {
        return model.tokenizer();
    }

    /** The model's chat template applied to messages; no queue (string work only). */
    public String applyChatTemplate(List<ChatMessage> messages) {
        return model.applyChatTemplate(messages);
    }

    /** Adds a metrics listener; returns a handle that removes it. */
    public AutoCloseable addListener(EngineListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public int queueDepth() {
        return queue.size();
    }

    /**
     * Queues one text. Blocks while the queue is full (BLOCK) or throws {@link
     * EngineOverloadedException} (REJECT); throws {@link EngineClosedException} after {@link
     * #close()}.
     */
    public CompletableFuture<float[]> embed(String text, EmbedRole role) {
        RequestKind kind = role == EmbedRole.QUERY ? RequestKind.QUERY : RequestKind.DOCUMENT;
        return submit(kind, text, null);
    }

    /** Queues several texts; the future completes when all are embedded (in order). */
    public CompletableFuture<List<float[]>> embedAll(List<String> texts, EmbedRole role) {
        List<CompletableFuture<float[]>> parts = new ArrayList<>(texts.size());
        for (String t : texts) {
            parts.add(embed(t, role));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(v -> parts.stream().map(CompletableFuture::join).toList());
    }

    /**
     * The ids {@code text} is embedded from in {@code role} ({@link
     * LanguageModel#embeddingTokens}); no queue (encoding is thread-safe). Encode where the text
     * is, then {@link #embedAllTokens} without a second tokenisation.
     */
    public int[] embeddingTokens(String text, EmbedRole role) {
        return model.embeddingTokens(text, role);
    }

    /**
     * The ids the model appends to every embedding input ({@link
     * LanguageModel#embeddingSummaryTokens}).
     */
    public int embeddingSummaryTokens() {
        return model.embeddingSummaryTokens();
    }

    /**
     * Queues inputs encoded by {@link #embeddingTokens} for the same role; the future completes
     * when all are embedded (in order). Their cost is their length: nothing is tokenised.
     */
    public CompletableFuture<List<float[]>> embedAllTokens(List<int[]> tokens, EmbedRole role) {
        RequestKind kind = role == EmbedRole.QUERY ? RequestKind.QUERY : RequestKind.DOCUMENT;
        List<CompletableFuture<float[]>> parts = new ArrayList<>(tokens.size());
        for (int[] ids : tokens) {
            if (ids == null) {
                throw new IllegalArgumentException("token ids must not be null");
            }
            parts.add(
                    enqueue(
                            new Request(
                                    kind,
                                    null,
                                    Math.max(1, ids.length),
                                    null,
                                    new CompletableFuture<>(),
                                    System.nanoTime(),
                                    null,
                                    ids)));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(v -> parts.stream().map(CompletableFuture::join).toList());
    }

    /** Queues one prompt (already through the chat template). */
    public CompletableFuture<GenerationResult> generate(String prompt, GenerationParams params) {
        return submit(RequestKind.GENERATE, prompt, params);
    }

    /**
     * Queues one scoring: the mean log-probability of {@code continuation}'s tokens after each
     * context ({@link LanguageModel#continuationLogProb}), in order.
     */
    public CompletableFuture<double[]> score(List<String> contexts, String continuation) {
        if (contexts == null || contexts.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("contexts must not be null");
        }
        return submit(RequestKind.SCORE, continuation, null, List.copyOf(contexts));
    }

    private <T> CompletableFuture<T> submit(
            RequestKind kind, String text, GenerationParams params) {
        return submit(kind, text, params, null);
    }

    private <T> CompletableFuture<T> submit(
            RequestKind kind, String text, GenerationParams params, List<String> contexts) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        int tokens = model.tokenizer().count(text) + (params == null ? 0 : params.maxTokens());
        if (contexts != null) {
            int question = tokens;
            tokens = contexts.stream().mapToInt(c -> model.tokenizer().count(c) + question).sum();
        }
        return enqueue(
                new Request(
                        kind,
                        text,
                        Math.max(1, tokens),
                        params,
                        new CompletableFuture<>(),
                        System.nanoTime(),
                        contexts,
                        null));
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> enqueue(Request r) {
        if (closed) {
            throw new EngineClosedException("batching engine for " + name + " is closed");
        }
        int depth;
        try {
            depth = queue.put(r);
        } catch (EngineOverloadedException e) {
            listeners.forEach(EngineListener::onRejected);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineClosedException(
                    "interrupted while waiting for room in the queue of " + name);
        }
        listeners.forEach(l -> l.onQueueDepth(depth));
        return (CompletableFuture<T>) r.future();
    }

    private void loop() {
        GenerationSession session = model.openSession();
        if (session == null) {
            wholeBatches();
            return;
        }
        try {
            continuous(session);
        } finally {
            session.close();
        }
    }

    /**
     * The worker with a running decode batch: one queued batch (if any), then one decode step,
     * repeated.
     */
    private void continuous(GenerationSession session) {
        Map<Long, Request> running = new HashMap<>();
        while (true) {
            List<Request> batch;
            try {
                batch =
                        running.isEmpty()
                                ? queue.takeBatch()
                                : queue.pollBatch(options.maxGenerationBatch() - running.size());
            } catch (InterruptedException e) {
                running.values()
                        .forEach(
                                r ->
                                        r.future()
                                                .completeExceptionally(
                                                        new EngineClosedException(
                                                                "batching engine for "
                                                                        + name
                                                                        + " was interrupted")));
                return;
            }
            if (batch == null && running.isEmpty()) {
                return; // closed, and the generations in progress have finished
            }
            if (batch != null && !batch.isEmpty()) {
                int depth = queue.size();
                listeners.forEach(l -> l.onQueueDepth(depth));
                if (batch.get(0).kind() == RequestKind.GENERATE) {
                    join(session, batch, running);
                } else {
                    run(batch);
                }
            }
            if (!running.isEmpty()) {
                step(session, running);
            }
        }
    }

    private void join(GenerationSession session, List<Request> batch, Map<Long, Request> running) {
        long tokens = batch.stream().mapToLong(Request::tokens).sum();
        long padded =
                (long) batch.size() * batch.stream().mapToInt(Request::tokens).max().orElse(0);
        long start = System.nanoTime();
        boolean failed = false;
        try {
            List<Long> ids =
                    session.join(batch.stream().map(Request::text).toList(), batch.get(0).params());
            for (int i = 0; i < batch.size(); i++) {
                running.put(ids.get(i), batch.get(i));
            }
        } catch (RuntimeException | Error e) {
            failed = true;
            LOG.warn("GENERATE prefill of {} failed on {}: {}", batch.size(), name, e.toString());
            batch.forEach(r -> r.future().completeExceptionally(e));
        }
        BatchStats stats =
                new BatchStats(
                        RequestKind.GENERATE,
                        batch.size(),
                        tokens,
                        padded,
                        System.nanoTime() - start,
                        failed);
        listeners.forEach(l -> l.onBatch(stats));
    }

    private void step(GenerationSession session, Map<Long, Request> running) {
        try {
            session.step()
                    .forEach(
                            (id, result) -> {
                                Request r = running.remove(id);
                                if (r != null) {
                                    r.future().complete(result);
                                }
                            });
        } catch (RuntimeException | Error e) {
            LOG.warn(
                    "decode step of {} generations failed on {}: {}",
                    running.size(),
                    name,
                    e.toString());
            running.values().forEach(r -> r.future().completeExceptionally(e));
            running.clear();
            session.close(); // drops the rows; the session takes new ones
        }
    }

    private void wholeBatches() {
        while (true) {
            List<Request> batch;
            try {
                batch = queue.takeBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null) {
                return;
            }
            int depth = queue.size();
            listeners.forEach(l -> l.onQueueDepth(depth));
            run(batch);
        }
    }

    private void run(List<Request> batch) {
        RequestKind kind = batch.get(0).kind();
        List<String> texts = batch.stream().map(Request::text).toList();
        long tokens = batch.stream().mapToLong(Request::tokens).sum();
        long padded =
                (long) batch.size() * batch.stream().mapToInt(Request::tokens).max().orElse(0);
        long start = System.nanoTime();
        boolean failed = false;
        try {
            List<?> results =
                    switch (kind) {
                        case GENERATE -> model.generate(texts, batch.get(0).params());
                        // each scoring already is a batch (its contexts); they run one after the
                        // other
                        case SCORE ->
                                batch.stream()
                                        .map(r -> model.continuationLogProb(r.contexts(), r.text()))
                                        .toList();
                        case QUERY, DOCUMENT -> embed(batch, texts, kind);
                    };
            if (results.size() != batch.size()) {
                throw new IllegalStateException(
                        "model returned "
                                + results.size()
                                + " results for "
                                + batch.size()
                                + " inputs");
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).future().complete(results.get(i));
            }
        } catch (RuntimeException | Error e) {
            failed = true;
            LOG.warn("{} batch of {} failed on {}: {}", kind, batch.size(), name, e.toString());
            batch.forEach(r -> r.future().completeExceptionally(e));
        }
        BatchStats stats =
                new BatchStats(
                        kind, batch.size(), tokens, padded, System.nanoTime() - start, failed);
        listeners.forEach(l -> l.onBatch(stats));
    }

    /**
     * One embedding batch: by ids when a request brought them (any text among them is encoded here,
     * the one tokenisation it needs), else by text.
     */
    private List<float[]> embed(List<Request> batch, List<String> texts, RequestKind kind) {
        EmbedRole role = kind == RequestKind.QUERY ? EmbedRole.QUERY : EmbedRole.DOCUMENT;
        if (batch.stream().allMatch(r -> r.ids() == null)) {
            return model.embed(texts, role);
        }
        return model.embedTokens(
                batch.stream()
                        .map(r -> r.ids() != null ? r.ids() : model.embeddingTokens(r.text(), role))
                        .toList(),
                role);
    }

    /**
     * Stops taking requests, fails the queued ones with {@link EngineClosedException}, lets the
     * batch in progress finish and joins the worker. Does not close the model (the registry does).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        String reason = "batching engine for " + name + " closed before the request ran";
        List<Request> pending = queue.close(reason);
        pending.forEach(r -> r.future().completeExceptionally(new EngineClosedException(reason)));
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!pending.isEmpty()) {
            LOG.info("engine {} closed, {} queued requests failed", name, pending.size());
        }
    }
}
