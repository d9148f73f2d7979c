package dev.gemrag.operators.model;

import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.model.engine.EngineListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the Flink operators need from the model: asynchronous embed and generate through the JVM's
 * shared batching engine, plus the tokenizer and chat template. One client per operator instance;
 * {@link #close()} releases this instance's reference to the shared engine, not the engine itself.
 */
public interface ModelClient extends AutoCloseable {
    /** Stable id of base + adapter; names the Milvus collection. */
    String modelId();

    int embeddingDimension();

    TextTokenizer tokenizer();

    String applyChatTemplate(List<ChatMessage> messages);

    /** L2-normalised embeddings, one per text, in order. */
    CompletableFuture<List<float[]>> embed(List<String> texts, EmbedRole role);

    /**
     * The ids {@code text} is embedded from in {@code role} (the model's {@code embeddingTokens}):
     * encode once where the text is, embed later with {@link #embedTokens}. Thread-safe, no queue.
     */
    int[] embeddingTokens(String text, EmbedRole role);

    /**
     * How many ids the model appends to every embedding input (GEM's summary tokens, the model's
     * {@code embeddingSummaryTokens}; 0 for mean pooling, the default): the input limit applies to
     * the ids from {@link #embeddingTokens} plus these.
     */
    default int embeddingSummaryTokens() {
        return 0;
    }

    /**
     * L2-normalised embeddings of inputs from {@link #embeddingTokens} for the same role, one per
     * input, in order: what {@link #embed} gives for the texts, without tokenising them again.
     */
    CompletableFuture<List<float[]>> embedTokens(List<int[]> tokens, EmbedRole role);

    CompletableFuture<GenerationResult> generate(String prompt, GenerationParams params);

    /**
     * Mean log-probability of {@code continuation}'s tokens after each context, in order (the
     * model's {@code continuationLogProb}); fails the future when the model cannot score (the
     * default).
     */
    default CompletableFuture<double[]> score(List<String> contexts, String continuation) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException(
                        "model " + modelId() + " cannot score continuations"));
    }

    /**
     * Registers engine metrics hooks (called on the engine's thread for every batch of the JVM's
     * shared engine); close the handle to remove them.
     */
    AutoCloseable addListener(EngineListener listener);

    /** Requests waiting in the engine's queue (all clients of the JVM); -1 when unknown. */
    int queueDepth();

    @Override
    void close();
}
