package dev.gemrag.model.gem;

import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.Pooling;

/**
 * How texts become vectors.
 *
 * @param pooling GEM (k summary tokens appended), MEAN or LAST (plain causal text, k = 0)
 * @param k summary tokens (0 unless GEM)
 * @param queryInstruction prepended to queries
 * @param documentInstruction prepended to documents
 * @param maxTokens token limit per input, summary tokens included
 * @param truncationLogEvery log every n-th truncation (the first one always)
 */
public record EmbeddingSettings(
        Pooling pooling,
        int k,
        String queryInstruction,
        String documentInstruction,
        int maxTokens,
        long truncationLogEvery) {

    public EmbeddingSettings {
        if ((pooling == Pooling.GEM) != (k > 0)) {
            throw new IllegalArgumentException(
                    "GEM pooling needs k >= 1 summary tokens, MEAN/LAST need k = 0; got "
                            + pooling
                            + " with k = "
                            + k);
        }
        if (maxTokens <= k) {
            throw new IllegalArgumentException("max tokens " + maxTokens + " must exceed k = " + k);
        }
    }

    /** MEAN or LAST pooling of the base model, no instruction. */
    public static EmbeddingSettings base(Pooling pooling, int maxTokens) {
        return new EmbeddingSettings(pooling, 0, "", "", maxTokens, 100);
    }

    public static EmbeddingSettings of(AdapterDescriptor d) {
        return new EmbeddingSettings(
                Pooling.GEM,
                d.k(),
                d.instruction(EmbedRole.QUERY),
                d.instruction(EmbedRole.DOCUMENT),
                d.maxTokens(),
                100);
    }

    public String instruction(EmbedRole role) {
        return role == EmbedRole.QUERY ? queryInstruction : documentInstruction;
    }

    public EmbeddingSettings withMaxTokens(int max) {
        return new EmbeddingSettings(
                pooling, k, queryInstruction, documentInstruction, max, truncationLogEvery);
    }
}
