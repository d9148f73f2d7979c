package dev.gemrag.operators.embed;

import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.IndexAction;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.engine.BatchStats;
import dev.gemrag.model.engine.EngineListener;
import dev.gemrag.model.engine.RequestKind;
import dev.gemrag.operators.metrics.LatencyHistogram;
import dev.gemrag.operators.model.ModelClient;
import dev.gemrag.operators.model.ModelClientFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds all chunks of ONE document version in one request to the JVM's shared engine and emits one
 * {@link IndexAction} for the document (no chunks = delete), so the sink writes a version whole and
 * then drops the chunks of other versions. Use with ordered wait after keyBy(doc id) so the events
 * of a document reach the sink in order; see {@code AsyncDataStream.orderedWaitWithRetry}.
 */
public final class EmbedDocumentFunction extends RichAsyncFunction<IndexAction, IndexAction> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EmbedDocumentFunction.class);

    private final ModelClientFactory models;
    private final int maxInputTokens;
    private transient ModelClient model;
    private transient Histogram batchSize;
    private transient Histogram embedLatencyMs;
    private transient Meter tokensPerSecond;
    private transient Meter chunksPerSecond;
    private transient Counter truncated;
    private transient AutoCloseable engineHooks;

    /**
     * @param maxInputTokens the model's embedding input limit (embed.max-input-tokens): chunks
     *     whose input (ids and summary ids) is longer are counted in truncatedInputs
     */
    public EmbedDocumentFunction(ModelClientFactory models, int maxInputTokens) {
        this.models = models;
        this.maxInputTokens = maxInputTokens;
    }

    @Override
    public void open(OpenContext ctx) {
        model = models.open();
        var group = getRuntimeContext().getMetricGroup();
        batchSize = LatencyHistogram.register(group, "embedBatchSize");
        embedLatencyMs = LatencyHistogram.register(group, "embedLatencyMs");
        tokensPerSecond = group.meter("embedTokensPerSecond", new MeterView(60));
        chunksPerSecond = group.meter("embedChunksPerSecond", new MeterView(60));
        truncated = group.counter("truncatedInputs");
        group.gauge("engineQueueDepth", () -> model.queueDepth());
        // What the JVM's shared engine actually batched (all operators of this TaskManager
        // together).
        Histogram engineBatch = LatencyHistogram.register(group, "engineEmbedBatchSize");
        Meter engineTokens = group.meter("engineEmbedTokensPerSecond", new MeterView(60));
        engineHooks =
                model.addListener(
                        new EngineListener() {
                            @Override
                            public void onBatch(BatchStats stats) {
                                if ((stats.kind() == RequestKind.QUERY
                                                || stats.kind() == RequestKind.DOCUMENT)
                                        && !stats.failed()) {
                                    engineBatch.update(stats.size());
                                    engineTokens.markEvent(stats.tokens());
                                }
                            }
                        });
    }

    @Override
    public void asyncInvoke(IndexAction doc, ResultFuture<IndexAction> result) {
        if (doc.isDelete()) {
            result.complete(List.of(IndexAction.delete(doc.docId, doc.docVersion)));
            return;
        }
        // Chunks from the chunk step carry their ids: no tokenisation here or in the engine. One
        // without them (restored from before ids, or cut by a producer that did not encode) is
        // encoded here, once, and sent the same way; with a model that embeds texts only, the
        // document's texts are sent.
        int summary = model.embeddingSummaryTokens();
        List<int[]> ids = idsOf(doc.chunks);
        List<String> texts = ids == null ? doc.chunks.stream().map(EmbedText::of).toList() : null;
        int tokens = 0;
        for (int i = 0; i < doc.chunks.size(); i++) {
            // the limit applies to the input the model embeds: its ids and the summary ids
            int n =
                    (ids != null ? ids.get(i).length : model.tokenizer().count(texts.get(i)))
                            + summary;
            if (n > maxInputTokens) {
                truncated.inc();
            }
            tokens += Math.min(n, maxInputTokens);
        }
        final int inputTokens = tokens;
        long start = System.nanoTime();
        int inputs = doc.chunks.size();
        (ids != null
                        ? model.embedTokens(ids, EmbedRole.DOCUMENT)
                        : model.embed(texts, EmbedRole.DOCUMENT))
                .whenComplete(
                        (vectors, error) -> {
                            if (error != null) {
                                LOG.warn(
                                        "embedding document {} v{} failed: {}",
                                        doc.docId,
                                        doc.docVersion,
                                        error.toString());
                                result.completeExceptionally(error);
                                return;
                            }
                            if (vectors.size() != doc.chunks.size()) {
                                result.completeExceptionally(
                                        new IllegalStateException(
                                                "engine returned "
                                                        + vectors.size()
                                                        + " embeddings for "
                                                        + doc.chunks.size()
                                                        + " chunks of "
                                                        + doc.docId));
                                return;
                            }
                            long ms = (System.nanoTime() - start) / 1_000_000;
                            embedLatencyMs.update(ms);
                            batchSize.update(inputs);
                            tokensPerSecond.markEvent(inputTokens);
                            chunksPerSecond.markEvent(inputs);
                            List<Chunk> embedded = new ArrayList<>(vectors.size());
                            for (int i = 0; i < vectors.size(); i++) {
                                embedded.add(doc.chunks.get(i).withEmbedding(vectors.get(i)));
                            }
                            result.complete(
                                    List.of(
                                            IndexAction.upsert(
                                                    doc.docId,
                                                    doc.docVersion,
                                                    model.modelId(),
                                                    embedded)));
                        });
    }

    /**
     * The embedding ids of every chunk (its own, or encoded now), or null when the model embeds
     * texts only.
     */
    private List<int[]> idsOf(List<Chunk> chunks) {
        List<int[]> ids = new ArrayList<>(chunks.size());
        for (Chunk c : chunks) {
            if (c.tokens() != null) {
                ids.add(c.tokens());
                continue;
            }
            try {
                ids.add(model.embeddingTokens(EmbedText.of(c), EmbedRole.DOCUMENT));
            } catch (UnsupportedOperationException textsOnly) {
                return null;
            }
        }
        return ids;
    }

    @Override
    public void timeout(IndexAction doc, ResultFuture<IndexAction> result) {
        // A stuck engine is a system failure, not bad data: fail (and let Flink restart and
        // replay).
        result.completeExceptionally(
                new TimeoutException(
                        "embedding "
                                + doc.chunks.size()
                                + " chunks of document "
                                + doc.docId
                                + " timed out"));
    }

    @Override
    public void close() throws Exception {
        if (engineHooks != null) {
            engineHooks.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
