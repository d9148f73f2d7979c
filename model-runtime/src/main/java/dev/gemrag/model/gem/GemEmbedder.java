package dev.gemrag.model.gem;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.model.llama.LinearWeights;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import dev.gemrag.model.llama.compiled.ScriptLora;
import java.util.ArrayList;
import java.util.List;

/**
 * One batched embedding pass: ids right-padded to the longest row, contiguous positions, the GEM
 * mask, the last hidden state after the final norm, pooled by a {@code [B, 1, T] x [B, T, H]}
 * matmul, L2-normalised on the host. {@link #embedInputs} runs the forward through a {@link
 * CompiledDecoder} when given one; {@link #pool} (the trainer's, differentiable) is always eager.
 * Not thread-safe (the model is not).
 */
public final class GemEmbedder {
    private final LlamaModel model;
    private final CompiledDecoder compiled; // null: eager
    private final TextTokenizer tokenizer;
    private final EmbeddingSettings settings;
    private final TruncationCounter truncations;
    private final LinearWeights summaryLinear;
    private final ScriptLora summaryLora; // summaryLinear for the compiled decoder, or null

    public GemEmbedder(LlamaModel model, TextTokenizer tokenizer, EmbeddingSettings settings) {
        this(model, null, tokenizer, settings, null);
    }

    /**
     * @param compiled null, or a compiled decoder of {@code model} for inference-only embedding
     *     (text + summary tokens in one forward; with a summary-only {@link SummaryLora}, the text
     *     prefill and then the summary step with the LoRA inside the compiled call)
     * @param summaryLinear null: one forward over text + summary tokens (LoRA, if any, merged into
     *     the weights); otherwise a summary-only adapter's projections, applied in the summary step
     *     of {@link SummaryPass} while the text runs the base weights
     */
    public GemEmbedder(
            LlamaModel model,
            CompiledDecoder compiled,
            TextTokenizer tokenizer,
            EmbeddingSettings settings,
            LinearWeights summaryLinear) {
        if (compiled != null && compiled.model() != model) {
            throw new IllegalArgumentException("the compiled decoder belongs to another model");
        }
        if (summaryLinear != null && settings.pooling() != dev.gemrag.model.Pooling.GEM) {
            throw new IllegalArgumentException(
                    "a summary-only adapter needs GEM pooling, got " + settings.pooling());
        }
        this.compiled = compiled;
        if (settings.k() > 0 && model.extraTokens() < settings.k()) {
            throw new IllegalArgumentException(
                    "GEM pooling with k = "
                            + settings.k()
                            + " needs "
                            + settings.k()
                            + " summary embedding rows, the model has "
                            + model.extraTokens());
        }
        if (settings.maxTokens() > model.maxPositions()) {
            throw new IllegalArgumentException(
                    "max tokens "
                            + settings.maxTokens()
                            + " exceeds the model's "
                            + model.maxPositions()
                            + " positions");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.settings = settings;
        this.truncations = new TruncationCounter(settings.truncationLogEvery());
        this.summaryLinear = summaryLinear;
        this.summaryLora =
                compiled != null && summaryLinear instanceof SummaryLora lora
                        ? compiled.lora(lora, lora::pair)
                        : null;
    }

    /** The summary step's projections of a summary-only adapter, or null. */
    public LinearWeights summaryLinear() {
        return summaryLinear;
    }

    public EmbeddingSettings settings() {
        return settings;
    }

    /** Inputs cut to the token limit so far. */
    public long truncatedInputs() {
        return truncations.count();
    }

    public EmbeddingInput input(String text, EmbedRole role) {
        return EmbeddingInput.of(
                tokenizer,
                settings.instruction(role),
                text,
                settings.maxTokens(),
                settings.k(),
                model.vocabSize(),
                truncations);
    }

    public List<float[]> embed(List<String> texts, EmbedRole role) {
        List<EmbeddingInput> inputs = new ArrayList<>(texts.size());
        for (String t : texts) {
            inputs.add(input(t, role));
        }
        return embedInputs(inputs);
    }

    /**
     * The ids {@link #input} cuts and extends: {@code encode(instruction + text)}. Thread-safe (the
     * tokenizer is), unlike the rest of this class.
     */
    public int[] tokens(String text, EmbedRole role) {
        return EmbeddingInput.encode(tokenizer, settings.instruction(role), text);
    }

    /** Embeds ids from {@link #tokens} (any role): the same vectors as {@link #embed} gives. */
    public List<float[]> embedTokens(List<int[]> tokens) {
        List<EmbeddingInput> inputs = new ArrayList<>(tokens.size());
        int vocab = model.vocabSize();
        for (int[] t : tokens) {
            for (int id : t) {
                // ids from elsewhere: a summary id (or garbage) among them would change the pooling
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException(
                            "token id " + id + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
            inputs.add(
                    EmbeddingInput.ofTokens(
                            t, settings.maxTokens(), settings.k(), model.vocabSize(), truncations));
        }
        return embedInputs(inputs);
    }

    /**
     * Pooled (not yet normalised) last hidden states {@code {B, hidden}} in {@code m};
     * differentiable when the model's trainable parameters require gradients.
     */
    public NDArray pool(NDManager m, GemBatch batch, List<GemLayout> layouts) {
        if (summaryLinear != null) {
            throw new IllegalStateException(
                    "a summary-only adapter embeds through SummaryPass, not one forward");
        }
        return pool(
                m,
                batch,
                layouts,
                model.forward(batch.ids(), batch.positions(), batch.mask(), null));
    }

    private NDArray pool(NDManager m, GemBatch batch, List<GemLayout> layouts, NDArray hidden) {
        NDArray weights =
                m.create(
                        PoolingWeights.of(layouts, batch.length(), settings.pooling()),
                        new Shape(layouts.size(), 1, batch.length()));
        return weights.matMul(hidden).squeeze(1);
    }

    public List<float[]> embedInputs(List<EmbeddingInput> inputs) {
        if (inputs.isEmpty()) {
            return List.of();
        }
        List<GemLayout> layouts = inputs.stream().map(EmbeddingInput::layout).toList();
        int b = inputs.size();
        int h = model.config().hiddenSize();
        float[] pooled;
        try (NDManager m = model.newManager()) {
            if (summaryLinear != null) {
                List<int[]> texts =
                        inputs.stream()
                                .map(in -> java.util.Arrays.copyOf(in.ids(), in.layout().prefix()))
                                .toList();
                NDArray p =
                        summaryLora != null
                                ? SummaryPass.pooled(compiled, m, texts, settings.k(), summaryLora)
                                : SummaryPass.pooled(model, m, texts, settings.k(), summaryLinear);
                pooled = p.toFloatArray();
            } else {
                GemBatch batch =
                        GemBatch.of(m, inputs.stream().map(EmbeddingInput::ids).toList(), layouts);
                NDArray hidden =
                        compiled == null
                                ? model.forward(batch.ids(), batch.positions(), batch.mask(), null)
                                : compiled.forward(
                                        batch.ids(), batch.positions(), batch.mask(), null);
                pooled = pool(m, batch, layouts, hidden).toFloatArray();
            }
        }
        List<float[]> out = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            float[] v = new float[h];
            System.arraycopy(pooled, r * h, v, 0, h);
            out.add(PoolingWeights.normalize(v));
        }
        return out;
    }
}
