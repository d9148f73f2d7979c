package dev.gemrag.model.eval;

import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.gem.PoolingWeights;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The peer row of the comparison: all-MiniLM-L6-v2 (quantised ONNX, 384 dims, inputs cut at 256
 * word pieces by the model itself), no instruction for either role.
 */
public final class MiniLmEmbedder implements TextEmbedder {
    private final AllMiniLmL6V2QuantizedEmbeddingModel model =
            new AllMiniLmL6V2QuantizedEmbeddingModel();

    @Override
    public String name() {
        return "minilm";
    }

    @Override
    public List<float[]> embed(List<String> texts, EmbedRole role) {
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        List<float[]> out = new ArrayList<>(texts.size());
        model.embedAll(segments)
                .content()
                .forEach(e -> out.add(PoolingWeights.normalize(e.vector())));
        return out;
    }
}
