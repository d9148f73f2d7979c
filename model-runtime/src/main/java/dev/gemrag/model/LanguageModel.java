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
