package dev.gemrag.connectors.milvus;

import dev.gemrag.connectors.records.Document;
import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.IndexAction;
import java.util.Arrays;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Test stand-in for chunk + embed: one chunk per paragraph ("\n\n"), fake vectors. The sink is
 * under test.
 */
final class ParagraphChunker implements MapFunction<DocumentEvent, IndexAction> {
    private final String modelId;
    private final int dim;

    ParagraphChunker(String modelId, int dim) {
        this.modelId = modelId;
        this.dim = dim;
    }

    @Override
    public IndexAction map(DocumentEvent e) {
        if (e.isDelete()) {
            return IndexAction.delete(e.id(), e.version());
        }
        Document d = e.upsert;
        return FakeEmbeddings.action(
                d.id(), d.version(), Arrays.asList(d.text().split("\n\n")), d.acl(), modelId, dim);
    }
}
