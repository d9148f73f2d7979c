package dev.gemrag.operators.chunk;

import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.IndexAction;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.operators.model.ModelClient;
import dev.gemrag.operators.model.ModelClientFactory;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Flink step: document event -> all chunks of that version (an {@link IndexAction} not yet
 * embedded), cut with the model's own tokenizer, each chunk carrying the ids it is embedded from.
 * Runs after keyBy(doc id), so the events of a document stay in order.
 */
public final class ChunkFunction extends RichMapFunction<DocumentEvent, IndexAction> {
    private static final long serialVersionUID = 1L;

    private final ModelClientFactory models;
    private final int size;
    private final int overlap;
    private transient ModelClient model;
    private transient DocumentChunker chunker;
    private transient Counter documents;
    private transient Counter deletes;
    private transient Histogram chunksPerDocument;

    public ChunkFunction(ModelClientFactory models, int size, int overlap) {
        this.models = models;
        this.size = size;
        this.overlap = overlap;
        Chunker.validate(size, overlap); // fail when the job is built, not in the task manager
    }

    @Override
    public void open(OpenContext ctx) {
        model = models.open();
        chunker =
                new DocumentChunker(
                        new Chunker(model.tokenizer(), size, overlap),
                        text -> model.embeddingTokens(text, EmbedRole.DOCUMENT));
        var group = getRuntimeContext().getMetricGroup();
        documents = group.counter("documentsChunked");
        deletes = group.counter("documentDeletes");
        chunksPerDocument =
                group.histogram("chunksPerDocument", new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public IndexAction map(DocumentEvent event) {
        IndexAction out = chunker.chunk(event);
        if (out.isDelete()) {
            deletes.inc();
        } else {
            documents.inc();
            chunksPerDocument.update(out.chunks.size());
        }
        return out;
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}
