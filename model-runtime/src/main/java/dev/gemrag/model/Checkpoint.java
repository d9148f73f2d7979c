package dev.gemrag.model;

import java.nio.file.Path;
import java.util.List;

/**
 * A base model as read from disk, before any device is involved.
 *
 * @param source the GGUF file or Hugging Face directory it came from
 * @param sha256 checksum of the GGUF file (or of config.json+safetensors for a directory)
 * @param config the architecture
 * @param weights dequantised FP32 weights
 * @param tokenizerJson a Hugging Face tokenizer.json (converted from the GGUF vocabulary where
 *     needed)
 * @param chatTemplate the model's Jinja chat template text, or null when it has none
 * @param bosTokenId the BOS to put first in every encoded input (vocabulary's add_bos_token), -1:
 *     none
 * @param eosTokenIds tokens that end generation (eos, ChatML's im_end, ...)
 * @param appendEosTokenId the EOS to put last in every embedded input (add_eos_token), -1: none
 */
public record Checkpoint(
        Path source,
        String sha256,
        LlamaConfig config,
        LlamaWeights weights,
        String tokenizerJson,
        String chatTemplate,
        int bosTokenId,
        List<Integer> eosTokenIds,
        int appendEosTokenId) {

    /** A checkpoint whose vocabulary does not ask for an EOS after each input (the common case). */
    public Checkpoint(
            Path source,
            String sha256,
            LlamaConfig config,
            LlamaWeights weights,
            String tokenizerJson,
            String chatTemplate,
            int bosTokenId,
            List<Integer> eosTokenIds) {
        this(
                source,
                sha256,
                config,
                weights,
                tokenizerJson,
                chatTemplate,
                bosTokenId,
                eosTokenIds,
                -1);
    }
}
