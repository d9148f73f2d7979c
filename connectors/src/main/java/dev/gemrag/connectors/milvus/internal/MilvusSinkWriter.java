package dev.gemrag.connectors.milvus.internal;

import dev.gemrag.connectors.milvus.ChunkFields;
import dev.gemrag.connectors.milvus.CollectionManager;
import dev.gemrag.connectors.milvus.CollectionSpec;
import dev.gemrag.connectors.milvus.MilvusConnection;
import dev.gemrag.connectors.milvus.MilvusWriteException;
import dev.gemrag.connectors.records.IndexAction;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers index actions (last one per document wins) and applies them in batches: first upsert
 * every chunk row by chunk_id, then delete, per document, every chunk not written by its last
 * action (another version, or an index past the new chunk count; a delete action removes all): the
 * batch's documents' chunks are read back with one strong query and the stale ones deleted by
 * primary key. Each step is idempotent, so a replay after a failure converges to the same state.
 * Flushes when {@code batchMaxRows} rows are buffered, {@code batchMaxInterval} after the first
 * buffered action, and before every checkpoint (flush()).
 */
public final class MilvusSinkWriter implements SinkWriter<IndexAction> {
    private static final Logger LOG = LoggerFactory.getLogger(MilvusSinkWriter.class);

    /**
     * Documents whose existing chunks are read in one query, and ids per delete: keep requests
     * small.
     */
    private static final int DOCS_PER_QUERY = 256;

    private static final int IDS_PER_DELETE = 1000;

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
    private final Counter staleDeleted;
    private volatile long lastFlushMillis;
    private boolean timerPending;

    /**
     * Connects and makes sure the collection exists (created on first use).
     *
     * @param timers for the time bound; null = flush only on size, checkpoint and end of input
     */
    public MilvusSinkWriter(
            MilvusConnection connection,
            CollectionSpec spec,
            SinkSettings settings,
            ProcessingTimeService timers,
            MetricGroup metrics)
            throws IOException {
        this.settings = settings;
        this.timers = timers;
        this.retry =
                new BoundedRetry(
                        spec.collectionName(),
                        settings.maxRetries(),
                        settings.initialBackoff(),
                        settings.maxBackoff());
        try {
            this.client = connection.connect();
        } catch (RuntimeException e) {
            throw new MilvusWriteException(
                    "cannot connect to Milvus at "
                            + connection
                            + " to write collection '"
                            + spec.collectionName()
                            + "': "
                            + e.getMessage(),
                    e);
        }
        String name;
        try {
            name =
                    retry.call(
                            "create/check collection",
                            () -> new CollectionManager(client).ensureCollection(spec));
        } catch (InterruptedException e) {
            client.close();
            Thread.currentThread().interrupt();
            throw new IOException(
                    "interrupted while opening Milvus collection " + spec.collectionName(), e);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
        this.collection = name;
        // another name = the alias' predecessor of this model in an earlier layout, kept in
        // service: rows in its layout (no search_text, or its analyzer)
        this.mapper =
                new ChunkRowMapper(
                        name.equals(spec.collectionName())
                                ? spec
                                : spec.withLayoutOf(new CollectionManager(client).describe(name)),
                        settings.overflow());
        this.rowsUpserted = metrics.counter("rowsUpserted");
        this.deleteRequests = metrics.counter("deleteRequests");
        this.flushes = metrics.counter("flushes");
        this.staleDeleted = metrics.counter("staleChunksDeleted");
        metrics.gauge("truncatedFields", mapper::truncatedFields);
        metrics.gauge("retries", retry::retries);
        metrics.gauge("actionsCollapsed", buffer::collapsed);
        metrics.gauge("lastFlushMillis", () -> lastFlushMillis);
        LOG.info(
                "Milvus sink writing to '{}' at {} (batch {} rows / {} ms)",
                collection,
                connection,
                settings.batchMaxRows(),
                settings.batchMaxInterval().toMillis());
    }

    public String collection() {
        return collection;
    }

    /** Write attempts retried so far (also the {@code retries} gauge). */
    public long retries() {
        return retry.retries();
    }

    @Override
    public void write(IndexAction action, Context context)
            throws IOException, InterruptedException {
        List<ChunkRowMapper.Row> rows =
                mapper.rows(action); // validates now: a bad record fails here, not at flush
        buffer.add(action, rows);
        if (buffer.rowCount() >= settings.batchMaxRows()) {
            flushBuffer();
        } else if (timers != null && !timerPending) {
            timerPending = true;
            timers.registerTimer(
                    timers.getCurrentProcessingTime() + settings.batchMaxInterval().toMillis(),
                    t -> {
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
        List<ChunkRowMapper.Row> rows = new ArrayList<>();
        for (ActionBuffer.Pending p : batch) {
            rows.addAll(p.rows());
        }
        // 1. new chunks first: if we fail after this, the replay redoes both steps.
        int step = Math.max(1, settings.batchMaxRows());
        for (int i = 0; i < rows.size(); i += step) {
            List<ChunkRowMapper.Row> part = rows.subList(i, Math.min(rows.size(), i + step));
            retry.call(
                    "upsert of " + part.size() + " rows",
                    () -> client.upsert(ChunkRowMapper.upsert(collection, part)));
            rowsUpserted.inc(part.size());
        }
        // 2. then every chunk the last action per document did not write.
        for (int i = 0; i < batch.size(); i += DOCS_PER_QUERY) {
            deleteStale(batch.subList(i, Math.min(batch.size(), i + DOCS_PER_QUERY)));
        }
        flushes.inc();
        lastFlushMillis = (System.nanoTime() - t0) / 1_000_000;
        LOG.debug(
                "Milvus flush to '{}': {} docs, {} rows, {} ms",
                collection,
                batch.size(),
                rows.size(),
                lastFlushMillis);
    }

    /**
     * Reads the chunk ids, versions and indexes of these documents (strong consistency: the upserts
     * above are visible), and deletes by primary key those the document's last action did not
     * write. Cheaper than a delete-by-expression (which scans) and a no-op for new documents.
     * Should a group hold more chunks than one query returns, it falls back to deleting by
     * expression.
     */
    private void deleteStale(List<ActionBuffer.Pending> group)
            throws IOException, InterruptedException {
        Map<String, ActionBuffer.Pending> byDoc = new HashMap<>();
        group.forEach(p -> byDoc.put(p.action().docId, p));
        String filter = FilterExpressions.allChunksOf(byDoc.keySet());
        QueryReq query =
                QueryReq.builder()
                        .collectionName(collection)
                        .filter(filter)
                        .outputFields(
                                List.of(
                                        ChunkFields.CHUNK_ID,
                                        ChunkFields.DOC_ID,
                                        ChunkFields.DOC_VERSION,
                                        ChunkFields.CHUNK_INDEX))
                        .limit(settings.staleLookupLimit())
                        .consistencyLevel(ConsistencyLevel.STRONG)
                        .build();
        QueryResp found =
                retry.call(
                        "query of existing chunks",
                        () -> {
                            try {
                                return client.query(query);
                            } catch (MilvusClientException e) {
                                if (BoundedRetry.isTransient(e)) {
                                    throw e;
                                }
                                // a restarted server may have released the collection (Milvus Lite
                                // does; its error
                                // code is not even one the SDK knows): load it and ask once more
                                LOG.info(
                                        "Milvus query on '{}' failed ({}): loading the collection and retrying",
                                        collection,
                                        e.getMessage());
                                client.loadCollection(
                                        LoadCollectionReq.builder()
                                                .collectionName(collection)
                                                .build());
                                return client.query(query);
                            }
                        });
        if (found.getQueryResults().size() >= settings.staleLookupLimit()) {
            deleteByExpression(group);
            return;
        }
        List<String> stale = new ArrayList<>();
        for (QueryResp.QueryResult r : found.getQueryResults()) {
            Map<String, Object> e = r.getEntity();
            ActionBuffer.Pending p = byDoc.get((String) e.get(ChunkFields.DOC_ID));
            if (p == null) {
                continue;
            }
            long version = ((Number) e.get(ChunkFields.DOC_VERSION)).longValue();
            int index = ((Number) e.get(ChunkFields.CHUNK_INDEX)).intValue();
            if (p.action().isDelete()
                    || version != p.action().docVersion
                    || index >= p.rows().size()) {
                stale.add((String) e.get(ChunkFields.CHUNK_ID));
            }
        }
        for (int i = 0; i < stale.size(); i += IDS_PER_DELETE) {
            String expr =
                    ChunkFields.CHUNK_ID
                            + " in "
                            + FilterExpressions.literalList(
                                    stale.subList(i, Math.min(stale.size(), i + IDS_PER_DELETE)));
            deleteWhere(expr);
        }
        staleDeleted.inc(stale.size());
    }

    /** One delete request for the rows {@code expr} selects, retried as a unit. */
    private void deleteWhere(String expr) throws IOException, InterruptedException {
        retry.call(
                "delete of stale chunks",
                () ->
                        client.delete(
                                DeleteReq.builder()
                                        .collectionName(collection)
                                        .filter(expr)
                                        .build()));
        deleteRequests.inc();
    }

    /** The same deletes as expressions: for documents with more chunks than one query returns. */
    private void deleteByExpression(List<ActionBuffer.Pending> group)
            throws IOException, InterruptedException {
        for (ActionBuffer.Pending p : group) {
            String expr =
                    p.action().isDelete()
                            ? FilterExpressions.allChunksOf(List.of(p.action().docId))
                            : FilterExpressions.staleChunks(
                                    p.action().docId, p.action().docVersion, p.rows().size());
            deleteWhere(expr);
        }
    }

    @Override
    public void close() {
        client.close(); // no flush: after a failure the buffer is replayed from the checkpoint
    }
}
