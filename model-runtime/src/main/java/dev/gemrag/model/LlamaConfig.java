package dev.gemrag.model;

/**
 * Shape and hyper-parameters of a Llama-family decoder, read from GGUF metadata or config.json.
 *
 * @param architecture e.g. "llama", "mistral", "qwen2"
 * @param vocabSize rows of the token embedding (base vocabulary, without GEM summary rows)
 * @param hiddenSize model width
 * @param intermediateSize SwiGLU inner width
 * @param numLayers transformer blocks
 * @param numHeads query heads
 * @param numKvHeads key/value heads (GQA when smaller than numHeads)
 * @param headDim width of one head
 * @param rmsNormEps RMSNorm epsilon
 * @param ropeTheta RoPE base frequency
 * @param maxPositions context length the model was trained for
 * @param tiedEmbeddings output head shares the token embedding
 * @param attentionBias q/k/v projections carry a bias (Qwen2)
 * @param ropeLayout which dimension pairs RoPE rotates, see {@link RopeLayout}
 * @param ropeScaling frequency rescaling (Llama 3.x), {@link RopeScaling#none()} for plain RoPE
 * @param qkNorm per-head RMSNorm of queries and keys before RoPE (Qwen3): weights {@code
 *     layers.i.q_norm}/{@code k_norm} of {headDim}
 * @param noRopeLayerStep 0, or n: every n-th layer (layer index i with (i+1) % n == 0) skips RoPE
 *     (SmolLM3's NoPE layers, n = 4)
 *     <p>Families beyond plain Llama add features here (never a second model class): the eager
 *     forward reads them, and {@link #isPlainLlama()} tells a specialised path whether it may
 *     ignore them.
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
        RopeLayout ropeLayout,
        RopeScaling ropeScaling,
        boolean qkNorm,
        int noRopeLayerStep) {

    /** A plain Llama/Mistral/Qwen2 decoder: no RoPE scaling, no q/k norms, RoPE in every layer. */
    public LlamaConfig(
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
        this(
                architecture,
                vocabSize,
                hiddenSize,
                intermediateSize,
                numLayers,
                numHeads,
                numKvHeads,
                headDim,
                rmsNormEps,
                ropeTheta,
                maxPositions,
                tiedEmbeddings,
                attentionBias,
                ropeLayout,
                RopeScaling.none(),
                false,
                0);
    }

    public LlamaConfig {
        if (ropeScaling == null) {
            ropeScaling = RopeScaling.none();
        }
        if (noRopeLayerStep < 0) {
            throw new IllegalArgumentException(
                    "LlamaConfig: noRopeLayerStep must be >= 0, got " + noRopeLayerStep);
        }
        if (hiddenSize <= 0 || numLayers <= 0 || numHeads <= 0 || numKvHeads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("LlamaConfig: sizes must be positive: " + this);
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(
                    "LlamaConfig: numHeads "
                            + numHeads
                            + " is not a multiple of numKvHeads "
                            + numKvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException(
                    "LlamaConfig: headDim must be even for RoPE, got " + headDim);
        }
    }

    /**
     * True when the block is the classic Llama one: RMSNorm, attention with RoPE in every layer and
     * no q/k norm, SwiGLU. RoPE scaling does not count: it only changes {@link
     * #ropeInverseFrequencies()}, which every forward takes its tables from. A compiled forward
     * that implements only the plain block must check this.
     */
    public boolean isPlainLlama() {
        return !qkNorm && noRopeLayerStep == 0;
    }

    /** Whether layer i rotates its queries and keys (false for SmolLM3's NoPE layers). */
    public boolean usesRope(int layer) {
        return noRopeLayerStep == 0 || (layer + 1) % noRopeLayerStep != 0;
    }

    /**
     * Radians per position for each of the headDim/2 pairs, scaling included (see {@link
     * RopeScaling}).
     */
    public float[] ropeInverseFrequencies() {
        return ropeScaling.inverseFrequencies(headDim, ropeTheta);
    }

    /** Returns this config with other RoPE scaling. */
    public LlamaConfig withRopeScaling(RopeScaling scaling) {
        return withTail(scaling, qkNorm, noRopeLayerStep);
    }

    /**
     * Returns this config with the family features of Qwen3 (q/k norms) and SmolLM3 (NoPE layer
     * step).
     */
    public LlamaConfig withFeatures(boolean qkNorm, int noRopeLayerStep) {
        return withTail(ropeScaling, qkNorm, noRopeLayerStep);
    }

    /** The one copy both withers share: the last three components replaced, the rest kept. */
    private LlamaConfig withTail(RopeScaling scaling, boolean qkNorm, int noRopeLayerStep) {
        return new LlamaConfig(
                architecture,
                vocabSize,
                hiddenSize,
                intermediateSize,
                numLayers,
                numHeads,
                numKvHeads,
                headDim,
                rmsNormEps,
                ropeTheta,
                maxPositions,
                tiedEmbeddings,
                attentionBias,
                ropeLayout,
                scaling,
                qkNorm,
                noRopeLayerStep);
    }
}
