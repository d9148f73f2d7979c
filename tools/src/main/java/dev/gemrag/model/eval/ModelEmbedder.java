package dev.gemrag.model.eval;

import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.gem.GemEmbedder;
import java.util.List;

/**
 * An evaluation row backed by one of the LLM's embedders (GEM, or MEAN/LAST pooling of the base).
 */
public record ModelEmbedder(String name, GemEmbedder embedder) implements TextEmbedder {
    @Override
    public List<float[]> embed(List<String> texts, EmbedRole role) {
        return embedder.embed(texts, role);
    }
}
