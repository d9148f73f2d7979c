package dev.gemrag.pipeline.bench;

import dev.gemrag.model.LlamaConfig;

/**
 * FLOPs of one causal prefill of T tokens, counted as the forward computes it (2 FLOPs per
 * multiply-add): the linear layers (q, k, v, o, gate, up, down) for every token, the attention
 * matmuls QK^T and AV over the full T x T score matrix (the mask is additive, so masked scores are
 * computed too), and the output head for the last position only. Norms, RoPE and softmax are left
 * out.
 */
public record ModelFlops(LlamaConfig config) {

    /** Weights of the linear layers of all blocks (the embedding and head excluded). */
    public long linearParams() {
        long h = config.hiddenSize();
        long q = (long) config.numHeads() * config.headDim();
        long kv = (long) config.numKvHeads() * config.headDim();
        long perLayer = h * q + 2 * h * kv + q * h + 3 * h * config.intermediateSize();
        return perLayer * config.numLayers();
    }

    public double linear(int tokens) {
        return 2.0 * linearParams() * tokens;
    }

    public double attention(int tokens) {
        return 4.0 * tokens * tokens * config.headDim() * config.numHeads() * config.numLayers();
    }

    public double head() {
        return 2.0 * config.hiddenSize() * config.vocabSize();
    }

    public double prefill(int tokens) {
        return linear(tokens) + attention(tokens) + head();
    }
}
