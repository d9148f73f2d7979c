package dev.gemrag.model.eval;

import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.gem.PoolingWeights;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * A second peer row: bge-small-en-v1.5 (quantised ONNX, 384 dims, 33M parameters). Queries get the
 * instruction its authors give for short-query-to-passage retrieval; passages none.
 */
public final class BgeSmallEmbedder implements TextEmbedder {
    public static final String QUERY_INSTRUCTION =
            "Represent this sentence for searching relevant passages: ";
    private final BgeSmallEnV15QuantizedEmbeddingModel model =
            new BgeSmallEnV15QuantizedEmbeddingModel();

    @Override
    public String name() {
        return "bge-small";
    }

    @Override
    public List<float[]> embed(List<String> texts, EmbedRole role) {
        List<TextSegment> segments =
                texts.stream()
                        .map(
                                t ->
                                        TextSegment.from(
                                                role == EmbedRole.QUERY
                                                        ? QUERY_INSTRUCTION + t
                                                        : t))
                        .toList();
        List<float[]> out = new ArrayList<>(texts.size());
        model.embedAll(segments)
                .content()
                .forEach(e -> out.add(PoolingWeights.normalize(e.vector())));
        return out;
    }
}
