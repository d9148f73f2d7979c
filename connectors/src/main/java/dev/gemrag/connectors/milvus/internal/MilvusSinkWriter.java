package dev.gemrag.connectors.milvus.internal;

import com.google.gson.JsonObject;
import dev.gemrag.connectors.milvus.CollectionManager;
import dev.gemrag.connectors.milvus.CollectionSpec;
import dev.gemrag.connectors.milvus.MilvusConnection;
import dev.gemrag.connectors.records.IndexAction;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers index actions (last one per document wins) and applies them in batches: first upsert every
 * chunk row by chunk_id, then delete, per document, every chunk not written by its last action
 * ({@code doc_id == X and (doc_version != V or chunk_index >= n)}; a delete action removes all). Each
 * step is idempotent, so a replay after a failure converges to the same state. Flushes when
 * {@code batchMaxRows} rows are buffered, {@code batchMaxInterval} after the first buffered action,
 * and before every checkpoint (flush()).
 */
public final class MilvusSinkWriter implements SinkWriter<IndexAction> {
    private static final Logger LOG = LoggerFactory.getLogger(MilvusSinkWriter.class);
    /** Documents per delete expression: keeps expressions short. */
    private static final int DOCS_PER_DELETE = 64;

    private final MilvusClientV2 client;
    private final String collection;
    private final SinkSettings settings;
    private final ProcessingTimeService timers;
    private final ChunkRowMapper mapper;
    private final BoundedRetry retry;
    private final ActionBuffer buffer = new ActionBuffer();
    private final Counter rowsUpserted;
    private final Counter deleteRequests;
    private final Counter flushes;
    private volatile long lastFlushMillis;
    private boolean timerPending;

    /**
     * Connects and makes sure the collection exists (created on first use).
     *
     * @param timers  for the time bound; null = flush only on size, checkpoint and end of input
     */
    public MilvusSinkWriter(MilvusConnection connection, CollectionSpec spec, SinkSettings settings,
            ProcessingTimeService timers, MetricGroup metrics) throws IOException {
        this.settings = settings;
        this.timers = timers;
        this.collection = spec.collectionName();
        this.mapper = new ChunkRowMapper(spec, settings.overflow());
        this.retry = new BoundedRetry(collection, settings.maxRetries(), settings.initialBackoff(),
                settings.maxBackoff());
        this.client = connection.connect();
        try {
            retry.call("create/check collection", () -> new CollectionManager(client).ensureCollection(spec));
        } catch (InterruptedException e) {
            client.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening Milvus collection " + collection, e);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
        this.rowsUpserted = metrics.counter("rowsUpserted");
        this.deleteRequests = metrics.counter("deleteRequests");
        this.flushes = metrics.counter("flushes");
        metrics.gauge("truncatedFields", mapper::truncatedFields);
        metrics.gauge("retries", retry::retries);
        metrics.gauge("actionsCollapsed", buffer::collapsed);
        metrics.gauge("lastFlushMillis", () -> lastFlushMillis);
        LOG.info("Milvus sink writing to '{}' at {} (batch {} rows / {} ms)", collection, connection,
                settings.batchMaxRows(), settings.batchMaxInterval().toMillis());
    }

    public String collection() {
        return collection;
    }

    @Override
    public void write(IndexAction action, Context context) throws IOException, InterruptedException {
        List<JsonObject> rows = mapper.rows(action); // validates now: a bad record fails here, not at flush
        buffer.add(action, rows);
        if (buffer.rowCount() >= settings.batchMaxRows()) {
            flushBuffer();
        } else if (timers != null && !timerPending) {
            timerPending = true;
            timers.registerTimer(timers.getCurrentProcessingTime() + settings.batchMaxInterval().toMillis(), t -> {
                timerPending = false;
                flushBuffer();
            });
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        flushBuffer();
    }

    private void flushBuffer() throws IOException, InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        List<ActionBuffer.Pending> batch = buffer.drain();
        List<JsonObject> rows = new ArrayList<>();
        List<String> staleClauses = new ArrayList<>();
        List<String> deletedDocs = new ArrayList<>();
        for (ActionBuffer.Pending p : batch) {
            if (p.action().isDelete()) {
                deletedDocs.add(p.action().docId);
            } else {
                rows.addAll(p.rows());
                staleClauses.add(FilterExpressions.staleChunks(p.action().docId, p.action().docVersion, p.rows().size()));
            }
        }
        // 1. new chunks first: if we fail after this, the replay redoes both steps.
        int step = Math.max(1, settings.batchMaxRows());
        for (int i = 0; i < rows.size(); i += step) {
            List<JsonObject> part = rows.subList(i, Math.min(rows.size(), i + step));
            retry.call("upsert of " + part.size() + " rows", () -> client.upsert(
                    UpsertReq.builder().collectionName(collection).data(part).build()));
            rowsUpserted.inc(part.size());
        }
        // 2. then every chunk the last action per document did not write.
        List<String> clauses = new ArrayList<>(staleClauses);
        for (int i = 0; i < deletedDocs.size(); i += DOCS_PER_DELETE) {
            clauses.add(FilterExpressions.allChunksOf(deletedDocs.subList(i, Math.min(deletedDocs.size(),
                    i + DOCS_PER_DELETE))));
        }
        for (int i = 0; i < clauses.size(); i += DOCS_PER_DELETE) {
            String expr = String.join(" or ", clauses.subList(i, Math.min(clauses.size(), i + DOCS_PER_DELETE)));
            retry.call("delete of stale chunks", () -> client.delete(
                    DeleteReq.builder().collectionName(collection).filter(expr).build()));
            deleteRequests.inc();
        }
        flushes.inc();
        lastFlushMillis = (System.nanoTime() - t0) / 1_000_000;
        LOG.debug("Milvus flush to '{}': {} docs, {} rows, {} ms", collection, batch.size(), rows.size(),
                lastFlushMillis);
    }

    @Override
    public void close() {
        client.close(); // no flush: after a failure the buffer is replayed from the checkpoint
    }
}
