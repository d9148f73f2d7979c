package dev.gemrag.connectors.milvus;

import dev.gemrag.annotations.PublicApi;
import dev.gemrag.connectors.milvus.internal.MilvusSinkWriter;
import dev.gemrag.connectors.milvus.internal.SinkSettings;
import dev.gemrag.connectors.records.IndexAction;
import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Flink sink that applies {@link IndexAction}s to a Milvus chunk collection: upsert by chunk_id,
 * then delete the document's chunks of other versions; a delete (or an action without chunks)
 * removes the whole document. Buffered, flushed by size, time and on every checkpoint; transient
 * errors are retried with bounded exponential backoff, then the job fails naming the collection.
 * At-least-once delivery plus idempotent writes: after any failure and replay the collection holds
 * exactly the last action of every document.
 *
 * <p>Key the stream by document id upstream so all actions of a document reach one writer in order.
 * Against Milvus Lite run this sink with parallelism 1 (it allows one writer per collection).
 *
 * <pre>{@code
 * MilvusSink sink = MilvusSink.builder()
 *         .setConnection(MilvusConnection.of("http://127.0.0.1:19530"))
 *         .setCollection(CollectionSpec.builder(modelId, 576).build())
 *         .build();
 * actions.sinkTo(sink).setParallelism(1).name("milvus");
 * }</pre>
 */
@PublicApi
public final class MilvusSink implements Sink<IndexAction> {
    private static final long serialVersionUID = 1L;

    private final MilvusConnection connection;
    private final CollectionSpec collection;
    private final SinkSettings settings;

    MilvusSink(MilvusConnection connection, CollectionSpec collection, SinkSettings settings) {
        this.connection = connection;
        this.collection = collection;
        this.settings = settings;
    }

    public static MilvusSinkBuilder builder() {
        return new MilvusSinkBuilder();
    }

    @Override
    public SinkWriter<IndexAction> createWriter(WriterInitContext context) throws IOException {
        return new MilvusSinkWriter(
                connection,
                collection,
                settings,
                context.getProcessingTimeService(),
                context.metricGroup().addGroup("milvus"));
    }

    /**
     * The same writer outside a Flink job (evaluation and other tools): the caller writes actions
     * with a null context, calls {@code flush(true)} when done and closes it. No timer (no interval
     * flushes) and no registered metrics.
     */
    public SinkWriter<IndexAction> createStandaloneWriter() throws IOException {
        return new MilvusSinkWriter(
                connection,
                collection,
                settings,
                null,
                new org.apache.flink.metrics.groups.UnregisteredMetricsGroup());
    }

    public CollectionSpec collection() {
        return collection;
    }

    SinkSettings settings() {
        return settings;
    }
}
