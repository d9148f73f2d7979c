package dev.gemrag.model;

import dev.gemrag.annotations.PublicApi;
import java.util.List;

/**
 * One loaded decoder that both embeds (GEM) and generates: the single copy of the weights.
 *
 * <p>Implementations are not thread-safe; concurrent callers go through the batching engine ({@code
 * dev.gemrag.model.engine}), which owns the model on one worker thread.
 */
@PublicApi
public interface LanguageModel extends AutoCloseable {
    /**
     * Stable id of base + adapter, used to name the Milvus collection, e.g.
     * "smollm2-135m-instruct-q4_1-gem1".
     */
    String id();

    int embeddingDimension();

    TextTokenizer tokenizer();

    /** Renders messages through the model's chat template, ending with the assistant prefix. */
    String applyChatTemplate(List<ChatMessage> messages);

    /** L2-normalised embeddings, one per text, in order. */
    List<float[]> embed(List<String> texts, EmbedRole role);

    /**
     * The token ids {@code text} is embedded from in {@code role} (the role's instruction and the
     * vocabulary's framing included; not yet cut to the input limit, no summary tokens): what
     * {@link #embedTokens} takes. Thread-safe like the tokenizer, so a caller can encode once where
     * it already holds the text (the chunk step) and send the ids on.
     *
     * @throws UnsupportedOperationException when this model embeds texts only (the default)
     */
    default int[] embeddingTokens(String text, EmbedRole role) {
        throw new UnsupportedOperationException("model " + id() + " embeds texts only");
    }

    /**
     * How many ids the model appends to every embedding input after cutting it (GEM's summary
     * tokens; 0 for mean or last pooling): an input of {@code n} ids from {@link #embeddingTokens}
     * is {@code n + embeddingSummaryTokens()} long, which is what the input limit applies to.
     */
    default int embeddingSummaryTokens() {
        return 0;
    }

    /**
     * L2-normalised embeddings of inputs encoded by {@link #embeddingTokens} for the same role, one
     * per input, in order: equal to {@link #embed} of the texts, without tokenising them again.
     *
     * @throws UnsupportedOperationException when this model embeds texts only (the default)
     */
    default List<float[]> embedTokens(List<int[]> tokens, EmbedRole role) {
        throw new UnsupportedOperationException("model " + id() + " embeds texts only");
    }

    /**
     * Generates from already formatted prompt texts (see {@link #applyChatTemplate}), one result
     * per prompt.
     */
    List<GenerationResult> generate(List<String> prompts, GenerationParams params);

    /**
     * How expected {@code continuation} is after each context: the mean natural-log probability of
     * its tokens, log p(continuation | context) / length (contexts and continuation tokenized
     * apart, then joined). Query-likelihood reranking uses it with the question as the
     * continuation.
     *
     * @throws UnsupportedOperationException when this model cannot score (the default)
     */
    default double[] continuationLogProb(List<String> contexts, String continuation) {
        throw new UnsupportedOperationException("model " + id() + " cannot score continuations");
    }

    @Override
    void close();

    /**
     * A new continuous-batching session, or null when this model only generates whole batches
     * ({@link #generate}); the batching engine uses it when there is one.
     */
    default GenerationSession openSession() {
        return null;
    }
}
