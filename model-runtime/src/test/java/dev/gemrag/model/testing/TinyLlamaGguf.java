package dev.gemrag.model.testing;

import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.WeightTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Serialises a {@link TinyLlama} the way llama.cpp's converter does (names, metadata, Q/K
 * permutation).
 */
final class TinyLlamaGguf {
    private static final Map<String, String> GGUF_NAMES =
            Map.ofEntries(
                    Map.entry("attn_norm", "attn_norm.weight"), Map.entry("wq", "attn_q.weight"),
                    Map.entry("wk", "attn_k.weight"), Map.entry("wv", "attn_v.weight"),
                    Map.entry("wo", "attn_output.weight"), Map.entry("ffn_norm", "ffn_norm.weight"),
                    Map.entry("w1", "ffn_gate.weight"), Map.entry("w2", "ffn_down.weight"),
                    Map.entry("w3", "ffn_up.weight"), Map.entry("bq", "attn_q.bias"),
                    Map.entry("bk", "attn_k.bias"), Map.entry("bv", "attn_v.bias"));

    private TinyLlamaGguf() {}

    static Path write(TinyLlama model, Path path, boolean f16) throws IOException {
        LlamaConfig c = model.config();
        String arch = c.architecture();
        // llama.cpp permutes Q/K only for the llama family; qwen2 keeps HF rows (NEOX RoPE)
        boolean permute = !"qwen2".equals(arch);
        GgufTestWriter w =
                new GgufTestWriter()
                        .putString("general.architecture", arch)
                        .putString("general.name", "tiny-random-llama")
                        .putU32(arch + ".context_length", c.maxPositions())
                        .putU32(arch + ".embedding_length", c.hiddenSize())
                        .putU32(arch + ".block_count", c.numLayers())
                        .putU32(arch + ".feed_forward_length", c.intermediateSize())
                        .putU32(arch + ".attention.head_count", c.numHeads())
                        .putU32(arch + ".attention.head_count_kv", c.numKvHeads())
                        .putF32(arch + ".attention.layer_norm_rms_epsilon", c.rmsNormEps())
                        .putF32(arch + ".rope.freq_base", c.ropeTheta())
                        .putU32(arch + ".rope.dimension_count", c.headDim())
                        .putU32(arch + ".vocab_size", c.vocabSize())
                        .putString("tokenizer.ggml.model", "gpt2")
                        .putString("tokenizer.ggml.pre", "default")
                        .putArray(
                                "tokenizer.ggml.tokens", GgufTestWriter.STRING, TinyVocab.tokens())
                        .putArray(
                                "tokenizer.ggml.token_type",
                                GgufTestWriter.INT32,
                                TinyVocab.tokenTypes())
                        .putArray("tokenizer.ggml.merges", GgufTestWriter.STRING, TinyVocab.MERGES)
                        .putU32("tokenizer.ggml.bos_token_id", TinyVocab.ENDOFTEXT)
                        .putU32("tokenizer.ggml.eos_token_id", TinyVocab.IM_END)
                        .putBool("tokenizer.ggml.add_bos_token", false)
                        .putString("tokenizer.chat_template", TinyVocab.CHAT_TEMPLATE);
        for (WeightTensor t : model.weights().all().values()) {
            String name = t.name();
            float[] data = t.data();
            String ggufName;
            if (name.startsWith("layers.")) {
                String[] parts = name.split("\\.");
                String local = parts[2];
                if (permute && (local.equals("wq") || local.equals("wk"))) {
                    int heads = local.equals("wq") ? c.numHeads() : c.numKvHeads();
                    data =
                            TinyLlama.permuteRows(
                                    data, (int) t.shape()[0], (int) t.shape()[1], heads);
                }
                ggufName = "blk." + parts[1] + "." + GGUF_NAMES.get(local);
            } else {
                ggufName = name + ".weight";
            }
            // llama.cpp keeps 1-D tensors (norms) in F32 even in F16 files
            if (f16 && t.shape().length == 2) {
                w.addF16(ggufName, t.shape(), data);
            } else {
                w.addF32(ggufName, t.shape(), data);
            }
        }
        return w.write(path);
    }
}
