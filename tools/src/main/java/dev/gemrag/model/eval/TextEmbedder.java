package dev.gemrag.model.eval;

import dev.gemrag.model.EmbedRole;
import java.util.List;

/** Anything the evaluation can rank with: a name for the table and unit vectors for texts. */
public interface TextEmbedder {
    String name();

    List<float[]> embed(List<String> texts, EmbedRole role);
}
