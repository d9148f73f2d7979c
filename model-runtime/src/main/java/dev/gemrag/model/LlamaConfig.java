package dev.gemrag.model;

/**
 * Shape and hyper-parameters of a Llama-family decoder, read from GGUF metadata or config.json.
 *
 * @param architecture   e.g. "llama", "mistral", "qwen2"
 * @param vocabSize      rows of the token embedding (base vocabulary, without GEM summary rows)
 * @param hiddenSize     model width
 * @param intermediateSize SwiGLU inner width
 * @param numLayers      transformer blocks
 * @param numHeads       query heads
 * @param numKvHeads     key/value heads (GQA when smaller than numHeads)
 * @param headDim        width of one head
 * @param rmsNormEps     RMSNorm epsilon
 * @param ropeTheta      RoPE base frequency
 * @param maxPositions   context length the model was trained for
 * @param tiedEmbeddings output head shares the token embedding
 * @param attentionBias  q/k/v projections carry a bias (Qwen2)
 * @param ropeLayout     which dimension pairs RoPE rotates, see {@link RopeLayout}
 */
public record LlamaConfig(
        String architecture,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        float rmsNormEps,
        float ropeTheta,
        int maxPositions,
        boolean tiedEmbeddings,
        boolean attentionBias,
        RopeLayout ropeLayout) {

    public LlamaConfig {
        if (hiddenSize <= 0 || numLayers <= 0 || numHeads <= 0 || numKvHeads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("LlamaConfig: sizes must be positive: " + this);
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(
                    "LlamaConfig: numHeads " + numHeads + " is not a multiple of numKvHeads " + numKvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("LlamaConfig: headDim must be even for RoPE, got " + headDim);
        }
    }
}
