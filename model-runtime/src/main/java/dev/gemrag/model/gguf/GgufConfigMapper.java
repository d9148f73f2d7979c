package dev.gemrag.model.gguf;

import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.RopeLayout;
import java.util.Map;

/** Maps GGUF {@code <arch>.*} metadata to a {@link LlamaConfig}. */
public final class GgufConfigMapper {
    /**
     * Supported architectures and how their Q/K rows are laid out. llama.cpp's converter permutes
     * the Q/K rows of "llama"-family checkpoints so that RoPE rotates adjacent pairs; Qwen2 uses
     * NEOX-style RoPE on unpermuted rows.
     */
    private static final Map<String, RopeLayout> ROPE_BY_ARCH = Map.of(
            "llama", RopeLayout.INTERLEAVED,
            "mistral", RopeLayout.INTERLEAVED,
            "qwen2", RopeLayout.HALF_SPLIT);

    private GgufConfigMapper() {
    }

    public static LlamaConfig map(GgufFile file) {
        GgufMetadata md = file.metadata();
        String arch = md.string("general.architecture");
        RopeLayout layout = ROPE_BY_ARCH.get(arch);
        if (layout == null) {
            throw new GgufFormatException(file.path() + ": unsupported architecture '" + arch
                    + "' (supported: " + String.join(", ", ROPE_BY_ARCH.keySet().stream().sorted().toList()) + ")");
        }
        rejectRopeScaling(file, arch);
        int hidden = md.integer(arch + ".embedding_length");
        int heads = md.integer(arch + ".attention.head_count");
        int kvHeads = md.integer(arch + ".attention.head_count_kv", heads);
        int headDim = md.integer(arch + ".attention.key_length", hidden / heads);
        int ropeDims = md.integer(arch + ".rope.dimension_count", headDim);
        if (ropeDims != headDim) {
            throw new GgufFormatException(file.path() + ": partial rotary embedding (" + ropeDims + " of "
                    + headDim + " head dims) is not supported");
        }
        GgufTensorInfo embd = file.tensor("token_embd.weight");
        int vocab = md.integer(arch + ".vocab_size", (int) embd.dims()[1]);
        return new LlamaConfig(
                arch,
                vocab,
                hidden,
                md.integer(arch + ".feed_forward_length"),
                md.integer(arch + ".block_count"),
                heads,
                kvHeads,
                headDim,
                md.real(arch + ".attention.layer_norm_rms_epsilon"),
                md.real(arch + ".rope.freq_base", 10000f),
                md.integer(arch + ".context_length"),
                !file.tensors().containsKey("output.weight"),
                file.tensors().containsKey("blk.0.attn_q.bias"),
                layout);
    }

    /** RopeLayout has no scaling; refuse rather than silently compute wrong positions. */
    private static void rejectRopeScaling(GgufFile file, String arch) {
        String type = file.metadata().string(arch + ".rope.scaling.type", "none");
        float factor = file.metadata().real(arch + ".rope.scaling.factor", 1f);
        if (!"none".equals(type) && factor != 1f) {
            throw new GgufFormatException(file.path() + ": RoPE scaling '" + type + "' (factor " + factor
                    + ") is not supported");
        }
        if (file.tensors().containsKey("rope_freqs.weight")) {
            throw new GgufFormatException(file.path() + ": per-frequency RoPE scaling (rope_freqs.weight,"
                    + " Llama 3.1-style) is not supported");
        }
    }
}
