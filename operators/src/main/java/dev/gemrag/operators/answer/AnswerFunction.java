package dev.gemrag.operators.answer;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.Question;
import dev.gemrag.connectors.records.RerankMode;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.engine.EngineOverloadedException;
import dev.gemrag.operators.metrics.LatencyHistogram;
import dev.gemrag.operators.model.ModelClient;
import dev.gemrag.operators.model.ModelClientFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a (validated) question: embeds it (QUERY role) through the shared engine, retrieves the
 * top-k chunks the asker's groups may read, and lets the same model write an answer grounded in
 * them, with citations and per-stage timings. Nothing retrieved = a fixed "nothing found" answer
 * and no generation.
 */
public final class AnswerFunction extends RichAsyncFunction<Question, Answer> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AnswerFunction.class);
    public static final String NOTHING_FOUND =
            "I could not find any documents you have access to that answer this.";
    public static final String TIMED_OUT =
            "The answer took longer than answer.timeout and was given up.";

    /**
     * For the asker when the search failed (Milvus down or restarting): a sentence, not the
     * client's error.
     */
    public static final String RETRIEVAL_UNAVAILABLE =
            "Retrieval is unavailable right now (the document index did"
                    + " not answer), so this question could not be answered; please ask again in a minute.";

    private final ModelClientFactory models;
    private final RetrieverFactory retrievers;
    private final AnswerSettings settings;
    private final GenerationParams sampling;
    private final PromptLayout layout;
    private final TitlePlacement titles;
    private final AnswerControls controls;
    private transient ModelClient model;
    private transient volatile boolean unsupportedLogged;
    private transient Retriever retriever;
    private transient ExecutorService searchThreads;
    private transient Histogram embedMs;
    private transient Histogram searchMs;
    private transient Histogram rerankMs;
    private transient Histogram generateMs;
    private transient Histogram answerMs;
    private transient Counter nothingFound;
    private transient Counter truncatedSources;
    private transient Counter failures;

    /** Greedy decoding without repetition controls, the system-turn layout (tests). */
    public AnswerFunction(
            ModelClientFactory models, RetrieverFactory retrievers, AnswerSettings settings) {
        this(
                models,
                retrievers,
                settings,
                GenerationParams.greedy(settings.maxTokens()),
                PromptLayout.SYSTEM,
                TitlePlacement.LINE);
    }

    /**
     * @param sampling the configured {@code answer.*} sampling (its maxTokens is replaced per
     *     question)
     */
    public AnswerFunction(
            ModelClientFactory models,
            RetrieverFactory retrievers,
            AnswerSettings settings,
            GenerationParams sampling,
            PromptLayout layout,
            TitlePlacement titles) {
        this(models, retrievers, settings, sampling, layout, titles, AnswerControls.PLAIN);
    }

    /**
     * @param controls rerank and reply frame (a question's own override them)
     */
    public AnswerFunction(
            ModelClientFactory models,
            RetrieverFactory retrievers,
            AnswerSettings settings,
            GenerationParams sampling,
            PromptLayout layout,
            TitlePlacement titles,
            AnswerControls controls) {
        this.controls = controls;
        this.models = models;
        this.retrievers = retrievers;
        this.settings = settings;
        this.sampling = sampling;
        this.layout = layout;
        this.titles = titles;
    }

    @Override
    public void open(OpenContext ctx) {
        model = models.open();
        retriever = retrievers.open(model.modelId(), model.embeddingDimension());
        // Milvus calls block: keep them off the task thread and off the engine's worker.
        searchThreads =
                Executors.newFixedThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "gemrag-search");
                            t.setDaemon(true);
                            return t;
                        });
        var group = getRuntimeContext().getMetricGroup();
        embedMs = LatencyHistogram.register(group, "questionEmbedLatencyMs");
        searchMs = LatencyHistogram.register(group, "milvusSearchLatencyMs");
        rerankMs = LatencyHistogram.register(group, "rerankLatencyMs");
        generateMs = LatencyHistogram.register(group, "generateLatencyMs");
        answerMs = LatencyHistogram.register(group, "answerLatencyMs");
        nothingFound = group.counter("answersNothingFound");
        truncatedSources = group.counter("truncatedInputs");
        failures = group.counter("answerFailures");
        group.gauge("engineQueueDepth", () -> model.queueDepth());
    }

    @Override
    public void asyncInvoke(Question q, ResultFuture<Answer> result) {
        long t0 = System.nanoTime();
        Map<String, Long> timings = new LinkedHashMap<>();
        int topK = q.topK() == null ? settings.topK() : Math.min(q.topK(), settings.maxTopK());
        int maxTokens =
                q.maxTokens() == null
                        ? settings.maxTokens()
                        : Math.min(q.maxTokens(), settings.maxMaxTokens());
        List<String> groups = q.groups() == null ? List.of() : Arrays.asList(q.groups());
        AnswerControls c = controls.with(q.answer());
        boolean rerank = c.rerank() != RerankMode.OFF;
        int candidates = rerank ? Math.max(topK, c.rerankCandidates()) : topK;

        embedQuestion(q.question())
                .thenApplyAsync(
                        vectors -> {
                            long t1 = System.nanoTime();
                            timings.put("embed", ms(t0, t1));
                            List<RetrievedChunk> hits =
                                    search(q, vectors.get(0), candidates, groups);
                            timings.put("search", ms(t1, System.nanoTime()));
                            return hits;
                        },
                        searchThreads)
                .thenCompose(
                        hits ->
                                rerank && hits.size() > 1 && !clearLead(hits, c)
                                        ? rerank(q, hits, topK, c, timings)
                                        : CompletableFuture.completedFuture(
                                                hits.subList(0, Math.min(topK, hits.size()))))
                .thenCompose(
                        hits -> {
                            if (hits.isEmpty()) {
                                nothingFound.inc();
                                return CompletableFuture.completedFuture(
                                        new Answer(
                                                q.id(),
                                                NOTHING_FOUND,
                                                List.of(),
                                                model.modelId(),
                                                timings,
                                                List.of(),
                                                false));
                            }
                            GroundedPrompt prompt =
                                    GroundedPrompt.build(
                                            q.question(),
                                            hits,
                                            model.tokenizer(),
                                            settings.contextTokens(),
                                            layout,
                                            titles);
                            truncatedSources.inc(prompt.truncatedSources());
                            long t2 = System.nanoTime();
                            GenerationParams params =
                                    QuestionSampling.params(sampling, maxTokens, q.sampling());
                            String frame = ReplyFrame.prefix(c.frame(), prompt.documents());
                            String primed = model.applyChatTemplate(prompt.messages()) + frame;
                            return model.generate(primed, params)
                                    .thenCompose(
                                            gen ->
                                                    finishCode(
                                                            q,
                                                            primed,
                                                            frame,
                                                            gen,
                                                            params,
                                                            c.codeExtraTokens()))
                                    .thenApply(
                                            gen -> {
                                                timings.put("generate", ms(t2, System.nanoTime()));
                                                return AnswerShaper.shape(
                                                        q.id(),
                                                        gen,
                                                        frame,
                                                        prompt,
                                                        model.modelId(),
                                                        timings);
                                            });
                        })
                .whenComplete(
                        (answer, error) -> {
                            if (error != null) {
                                Throwable cause =
                                        error instanceof java.util.concurrent.CompletionException
                                                        && error.getCause() != null
                                                ? error.getCause()
                                                : error;
                                if (cause instanceof EngineOverloadedException) {
                                    result.completeExceptionally(
                                            cause); // back-pressure: the retry strategy tries again
                                    return;
                                }
                                // One question must not fail (and restart-loop) the job: the asker
                                // gets the reason.
                                failures.inc();
                                if (cause instanceof RetrievalUnavailableException) {
                                    LOG.warn(
                                            "answering question {}: retrieval unavailable: {}",
                                            q.id(),
                                            cause.getMessage());
                                    result.complete(List.of(failed(q, RETRIEVAL_UNAVAILABLE, t0)));
                                    return;
                                }
                                LOG.warn(
                                        "answering question {} failed: {}",
                                        q.id(),
                                        cause.toString());
                                result.complete(
                                        List.of(
                                                failed(
                                                        q,
                                                        "could not answer: " + cause.getMessage(),
                                                        t0)));
                                return;
                            }
                            answer.timingsMs().put("total", ms(t0, System.nanoTime()));
                            record(answer.timingsMs());
                            result.complete(List.of(answer));
                        });
    }

    /**
     * The question's one tokenisation: the ids of its embedding input (query instruction included),
     * which the engine costs by their length and the model embeds as they are (retrieval and the
     * prompt take the text: Milvus' BM25 analyser and the chat template). A model that embeds texts
     * only gets the text. Encoded on the task thread; a failure fails this answer only.
     */
    private CompletableFuture<List<float[]>> embedQuestion(String question) {
        int[] ids;
        try {
            ids = model.embeddingTokens(question, EmbedRole.QUERY);
        } catch (UnsupportedOperationException textsOnly) {
            return model.embed(List.of(question), EmbedRole.QUERY);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return model.embedTokens(List.of(ids), EmbedRole.QUERY);
    }

    /**
     * retrieval.rerank auto: the retriever's first document is far enough ahead of the next that
     * reranking would not change what the answer cites.
     */
    private static boolean clearLead(List<RetrievedChunk> hits, AnswerControls c) {
        return c.rerank() == RerankMode.AUTO && RetrievalLead.of(hits) >= c.rerankSkipMargin();
    }

    /**
     * A reply whose budget ran out inside a fenced code block, or right after announcing one,
     * continues for at most {@code extra} more tokens (one more generation from the prompt plus the
     * reply so far), so the command it announced is not lost to sentence shaping. The repetition
     * window of the continuation starts empty. The raw completions are logged at debug level (what
     * the README's diagnosis of lost commands was read from).
     */
    private CompletableFuture<GenerationResult> finishCode(
            Question q,
            String primed,
            String frame,
            GenerationResult gen,
            GenerationParams params,
            int extra) {
        LOG.debug(
                "question {} completion ({} tokens, {}): {}",
                q.id(),
                gen.tokens().size(),
                gen.finishReason(),
                gen.text());
        if (extra == 0
                || !"length".equals(gen.finishReason())
                || gen.text().contains("\nQuestion:")
                || !AnnouncedCode.pending(frame + gen.text())) {
            return CompletableFuture.completedFuture(gen);
        }
        return model.generate(primed + gen.text(), params.withMaxTokens(extra))
                .thenApply(
                        more -> {
                            LOG.debug(
                                    "question {} code continuation ({} tokens, {}): {}",
                                    q.id(),
                                    more.tokens().size(),
                                    more.finishReason(),
                                    more.text());
                            List<Integer> tokens = new ArrayList<>(gen.tokens());
                            tokens.addAll(more.tokens());
                            return new GenerationResult(
                                    gen.text() + more.text(),
                                    tokens,
                                    gen.promptTokens(),
                                    more.finishReason(),
                                    gen.prefillNanos() + more.prefillNanos(),
                                    gen.decodeNanos() + more.decodeNanos());
                        });
    }

    /**
     * The candidates re-ordered by query likelihood blended with their retrieval score, the best
     * topK kept; the "rerank" timing.
     */
    private CompletableFuture<List<RetrievedChunk>> rerank(
            Question q,
            List<RetrievedChunk> hits,
            int topK,
            AnswerControls c,
            Map<String, Long> timings) {
        long start = System.nanoTime();
        List<String> contexts =
                QueryLikelihood.contexts(hits, model.tokenizer(), c.rerankChunkTokens());
        return model.score(contexts, QueryLikelihood.continuation(q.question()))
                .handle(
                        (scores, error) -> {
                            if (error == null) {
                                timings.put("rerank", ms(start, System.nanoTime()));
                                return QueryLikelihood.reorder(
                                        hits, scores, topK, c.rerankWeight());
                            }
                            Throwable cause =
                                    error instanceof java.util.concurrent.CompletionException
                                                    && error.getCause() != null
                                            ? error.getCause()
                                            : error;
                            if (!(cause instanceof UnsupportedOperationException)) {
                                throw error instanceof java.util.concurrent.CompletionException ce
                                        ? ce
                                        : new java.util.concurrent.CompletionException(error);
                            }
                            // a model that cannot score answers in the retriever's order (said
                            // once, not per question)
                            if (!unsupportedLogged) {
                                unsupportedLogged = true;
                                LOG.warn(
                                        "retrieval.rerank llm is off for this model: {}",
                                        cause.getMessage());
                            }
                            return hits.subList(0, Math.min(topK, hits.size()));
                        });
    }

    /**
     * A failed search is the index's problem, not the question's (those are caught before, by
     * validation).
     */
    private List<RetrievedChunk> search(Question q, float[] vector, int topK, List<String> groups) {
        try {
            return retriever.search(q.question(), vector, q.retrievalMode(), topK, groups);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RetrievalUnavailableException(e);
        }
    }

    private void record(Map<String, Long> t) {
        embedMs.update(t.getOrDefault("embed", 0L));
        searchMs.update(t.getOrDefault("search", 0L));
        if (t.containsKey("rerank")) {
            rerankMs.update(t.get("rerank"));
        }
        if (t.containsKey("generate")) {
            generateMs.update(t.get("generate"));
        }
        answerMs.update(t.get("total"));
    }

    private static long ms(long from, long to) {
        return (to - from) / 1_000_000;
    }

    @Override
    public void timeout(Question q, ResultFuture<Answer> result) {
        LOG.warn("answering question {} timed out (answer.timeout)", q.id());
        failures.inc();
        result.complete(List.of(failed(q, TIMED_OUT, -1)));
    }

    /** An answer that says why there is none; no citations. */
    private Answer failed(Question q, String text, long t0) {
        Map<String, Long> timings = new LinkedHashMap<>();
        if (t0 >= 0) {
            timings.put("total", ms(t0, System.nanoTime()));
        }
        return new Answer(q.id(), text, List.of(), model.modelId(), timings, List.of(), false);
    }

    @Override
    public void close() {
        if (searchThreads != null) {
            searchThreads.shutdownNow();
        }
        if (retriever != null) {
            retriever.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
