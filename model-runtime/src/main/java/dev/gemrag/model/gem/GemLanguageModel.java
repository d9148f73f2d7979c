package dev.gemrag.model.gem;

import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.GenerationSession;
import dev.gemrag.model.LanguageModel;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.model.generate.Generator;
import dev.gemrag.model.llama.LinearWeights;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import dev.gemrag.model.score.ContinuationScorer;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model the rest of gemrag talks to: one {@link LlamaModel} (base weights with any LoRA merged
 * in, summary rows as extra embeddings) that embeds through {@link GemEmbedder} and generates
 * through forward's {@link Generator}. With a {@link CompiledDecoder} (the default where it
 * supports the model) generation, and embedding unless {@link #COMPILED_EMBEDDING_PROPERTY} is
 * false, run compiled over the same weights. Built by {@link ModelRuntime}. Not thread-safe: share
 * it through the batching engine.
 */
public final class GemLanguageModel implements LanguageModel {
    private static final Logger LOG = LoggerFactory.getLogger(GemLanguageModel.class);

    private final String id;

    /**
     * System property: {@code false} keeps the embedding pass on the eager forward even when
     * generation is compiled (a summary-only adapter's LoRA runs compiled too, see {@link
     * GemEmbedder}).
     */
    public static final String COMPILED_EMBEDDING_PROPERTY = "gemrag.model.compiled-embedding";

    private final LlamaModel model;
    private final CompiledDecoder compiled; // null: everything eager
    private final CompiledDecoder embedCompiled; // compiled, or null when embedding stays eager
    private final TextTokenizer tokenizer;
    private final TextTokenizer
            framed; // adds the vocabulary's BOS/EOS: what embedder and generator encode with
    private GemEmbedder embedder;
    private final Generator generator;
    private final ContinuationScorer scorer;
    private final Function<List<ChatMessage>, String> chatTemplate;
    private final LinearWeights summaryLinear;
    private boolean closed;

    /**
     * @param summaryLinear projections of the GEM summary step for a summary-only adapter
     *     (generation never uses them), or null
     */
    GemLanguageModel(
            String id,
            LlamaModel model,
            TextTokenizer tokenizer,
            EmbeddingSettings settings,
            List<Integer> stopTokens,
            Function<List<ChatMessage>, String> chatTemplate) {
        this(id, model, null, tokenizer, tokenizer, settings, stopTokens, chatTemplate, null);
    }

    /**
     * @param compiled the compiled decoder serving generation, or null for everything eager
     * @param framed {@code tokenizer} with the vocabulary's BOS/EOS framing (see FramedTokenizer)
     */
    GemLanguageModel(
            String id,
            LlamaModel model,
            CompiledDecoder compiled,
            TextTokenizer tokenizer,
            TextTokenizer framed,
            EmbeddingSettings settings,
            List<Integer> stopTokens,
            Function<List<ChatMessage>, String> chatTemplate,
            LinearWeights summaryLinear) {
        this.id = id;
        this.model = model;
        this.compiled = compiled;
        boolean compiledEmbedding =
                Boolean.parseBoolean(System.getProperty(COMPILED_EMBEDDING_PROPERTY, "true"));
        this.embedCompiled = compiledEmbedding ? compiled : null;
        this.tokenizer = tokenizer;
        this.framed = framed;
        this.summaryLinear = summaryLinear;
        this.embedder = new GemEmbedder(model, embedCompiled, framed, settings, summaryLinear);
        this.generator =
                compiled == null
                        ? new Generator(model, framed, stopTokens)
                        : new Generator(compiled, framed, stopTokens);
        this.scorer = new ContinuationScorer(model, compiled);
        this.chatTemplate = chatTemplate;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int embeddingDimension() {
        return model.config().hiddenSize();
    }

    @Override
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public String applyChatTemplate(List<ChatMessage> messages) {
        if (chatTemplate == null) {
            throw new IllegalStateException(
                    "model " + id + " has no chat template: format prompts yourself");
        }
        return chatTemplate.apply(messages);
    }

    @Override
    public List<float[]> embed(List<String> texts, EmbedRole role) {
        return embedder.embed(texts, role);
    }

    @Override
    public int[] embeddingTokens(String text, EmbedRole role) {
        return embedder.tokens(text, role);
    }

    @Override
    public int embeddingSummaryTokens() {
        return embedder.settings().k();
    }

    @Override
    public List<float[]> embedTokens(List<int[]> tokens, EmbedRole role) {
        return embedder.embedTokens(tokens);
    }

    @Override
    public List<GenerationResult> generate(List<String> prompts, GenerationParams params) {
        return generator.generate(prompts, params);
    }

    @Override
    public double[] continuationLogProb(List<String> contexts, String continuation) {
        return continuationLogProb(
                contexts.stream().map(tokenizer::encode).toList(), tokenizer.encode(continuation));
    }

    /**
     * {@link #continuationLogProb(List, String)} on token ids, for callers that split a text at a
     * token (held-out perplexity scores each line after its first token).
     */
    public double[] continuationLogProb(List<int[]> contexts, int[] continuation) {
        return scorer.meanLogProb(contexts, continuation);
    }

    /**
     * Continuous batching over the same generator (compiled when this model has a compiled
     * decoder).
     */
    @Override
    public GenerationSession openSession() {
        return generator.openSession();
    }

    public EmbeddingSettings embeddingSettings() {
        return embedder.settings();
    }

    /**
     * Changes the token limit per embedded text (summary tokens included); longer inputs are
     * truncated and counted. Call before sharing the model (not thread-safe, like the model).
     */
    public void setEmbeddingMaxTokens(int maxTokens) {
        embedder =
                new GemEmbedder(
                        model,
                        embedCompiled,
                        framed,
                        embedder.settings().withMaxTokens(maxTokens),
                        summaryLinear);
    }

    /** Inputs cut to the token limit so far (each one also logged, rate-limited). */
    public long truncatedInputs() {
        return embedder.truncatedInputs();
    }

    /**
     * Another way to embed with the same weights (e.g. MEAN vs LAST pooling for a comparison). GEM
     * pooling needs the summary rows this model carries.
     */
    public GemEmbedder embedder(EmbeddingSettings settings) {
        return new GemEmbedder(
                model,
                embedCompiled,
                framed,
                settings,
                settings.pooling() == dev.gemrag.model.Pooling.GEM ? summaryLinear : null);
    }

    /** The compiled decoder serving generation, or null when everything runs eager. */
    public CompiledDecoder compiled() {
        return compiled;
    }

    /** The decoder itself (for benchmarks and tests that need the forward pass). */
    public LlamaModel llama() {
        return model;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (compiled != null) {
            compiled.close();
        }
        model.close();
        if (tokenizer instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing tokenizer of {} failed: {}", id, e.toString());
            }
        }
    }
}
