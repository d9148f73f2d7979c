package dev.gemrag.model;

/**
 * How the rotary embedding pairs the dimensions of a query/key head.
 *
 * <p>llama.cpp's converter permutes the Q and K rows of "llama" GGUF files so that RoPE rotates
 * adjacent pairs (i, i+1); Hugging Face checkpoints rotate (i, i + headDim/2). The weights are kept
 * as stored and the forward pass applies the matching rotation.
 */
public enum RopeLayout {
    /** Pairs (2j, 2j+1): GGUF "llama" weights as written by llama.cpp. */
    INTERLEAVED,
    /** Pairs (j, j + headDim/2): Hugging Face safetensors. */
    HALF_SPLIT
}
