package dev.gemrag.model.gguf;

import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.RopeScaling;
import dev.gemrag.model.gguf.dequant.Dequantizers;
import java.util.Map;

/** Maps GGUF {@code <arch>.*} metadata to a {@link LlamaConfig}. */
public final class GgufConfigMapper {
    /**
     * Supported architectures and how their Q/K rows are laid out. llama.cpp's converter permutes
     * the Q/K rows of "llama"-family checkpoints so that RoPE rotates adjacent pairs; Qwen2 uses
     * NEOX-style RoPE on unpermuted rows.
     */
    private static final Map<String, RopeLayout> ROPE_BY_ARCH =
            Map.of(
                    "llama", RopeLayout.INTERLEAVED,
                    "mistral", RopeLayout.INTERLEAVED,
                    "qwen2", RopeLayout.HALF_SPLIT,
                    "qwen3", RopeLayout.HALF_SPLIT,
                    "smollm3", RopeLayout.INTERLEAVED);

    /** llama.cpp fixes SmolLM3's NoPE pattern in code (every 4th layer), not in the file. */
    private static final int SMOLLM3_NO_ROPE_STEP = 4;

    private GgufConfigMapper() {}

    public static LlamaConfig map(GgufFile file) {
        GgufMetadata md = file.metadata();
        String arch = md.string("general.architecture");
        RopeLayout layout = ROPE_BY_ARCH.get(arch);
        if (layout == null) {
            throw new GgufFormatException(
                    file.path()
                            + ": unsupported architecture '"
                            + arch
                            + "' (supported: "
                            + String.join(", ", ROPE_BY_ARCH.keySet().stream().sorted().toList())
                            + ")");
        }
        RopeScaling scaling = ropeScaling(file, arch);
        int hidden = md.integer(arch + ".embedding_length");
        int heads = md.integer(arch + ".attention.head_count");
        int kvHeads = md.integer(arch + ".attention.head_count_kv", heads);
        int headDim = md.integer(arch + ".attention.key_length", hidden / heads);
        int ropeDims = md.integer(arch + ".rope.dimension_count", headDim);
        if (ropeDims != headDim) {
            throw new GgufFormatException(
                    file.path()
                            + ": partial rotary embedding ("
                            + ropeDims
                            + " of "
                            + headDim
                            + " head dims) is not supported");
        }
        GgufTensorInfo embd = file.tensor("token_embd.weight");
        int vocab = md.integer(arch + ".vocab_size", (int) embd.dims()[1]);
        boolean qkNorm = "qwen3".equals(arch);
        if (qkNorm != file.tensors().containsKey("blk.0.attn_q_norm.weight")) {
            throw new GgufFormatException(
                    file.path()
                            + ": architecture '"
                            + arch
                            + "' "
                            + (qkNorm ? "needs" : "does not use")
                            + " per-head q/k norms (blk.N.attn_q_norm.weight)");
        }
        int noRopeStep = "smollm3".equals(arch) ? SMOLLM3_NO_ROPE_STEP : 0;
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
                layout,
                scaling,
                qkNorm,
                noRopeStep);
    }

    /**
     * Llama 3.x files carry their scaling as the per-pair divisors {@code rope_freqs.weight} (what
     * llama.cpp applies); any metadata scaling type (linear, yarn, longrope) is refused by name.
     */
    private static RopeScaling ropeScaling(GgufFile file, String arch) {
        String type = file.metadata().string(arch + ".rope.scaling.type", "none");
        float factor = file.metadata().real(arch + ".rope.scaling.factor", 1f);
        if (!"none".equals(type) && factor != 1f) {
            throw new GgufFormatException(
                    file.path()
                            + ": RoPE scaling '"
                            + type
                            + "' (factor "
                            + factor
                            + ") is not supported (supported: Llama 3 rope_freqs)");
        }
        GgufTensorInfo freqs = file.tensors().get("rope_freqs.weight");
        if (freqs == null) {
            return RopeScaling.none();
        }
        float[] divisors =
                Dequantizers.dequantize(freqs.type(), file.map(freqs), (int) freqs.count());
        return RopeScaling.divisors(divisors, "rope_freqs (" + divisors.length + " divisors)");
    }
}
