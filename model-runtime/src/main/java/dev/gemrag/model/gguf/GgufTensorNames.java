package dev.gemrag.model.gguf;

import dev.gemrag.model.LlamaWeights;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GGUF tensor names (llama.cpp's) to the canonical names of {@link LlamaWeights}. */
public final class GgufTensorNames {
    private static final Pattern BLOCK =
            Pattern.compile("blk\\.(\\d+)\\.([a-z_]+)\\.(weight|bias)");

    private static final Map<String, String> GLOBAL =
            Map.of(
                    "token_embd.weight", "token_embd",
                    "output_norm.weight", "output_norm",
                    "output.weight", "output");

    /**
     * Per-block weights: attn_q = wq, ffn_gate = w1 (gate), ffn_down = w2 (down), ffn_up = w3 (up).
     */
    private static final Map<String, String> BLOCK_WEIGHTS =
            Map.ofEntries(
                    Map.entry("attn_q_norm", "q_norm"),
                    Map.entry("attn_k_norm", "k_norm"),
                    Map.entry("attn_norm", "attn_norm"),
                    Map.entry("attn_q", "wq"),
                    Map.entry("attn_k", "wk"),
                    Map.entry("attn_v", "wv"),
                    Map.entry("attn_output", "wo"),
                    Map.entry("ffn_norm", "ffn_norm"),
                    Map.entry("ffn_gate", "w1"),
                    Map.entry("ffn_down", "w2"),
                    Map.entry("ffn_up", "w3"));

    private static final Map<String, String> BLOCK_BIASES =
            Map.of(
                    "attn_q", "bq",
                    "attn_k", "bk",
                    "attn_v", "bv");

    private GgufTensorNames() {}

    /** The canonical name, or null for a tensor the Llama forward pass does not use. */
    public static String canonical(String ggufName) {
        String global = GLOBAL.get(ggufName);
        if (global != null) {
            return global;
        }
        Matcher m = BLOCK.matcher(ggufName);
        if (!m.matches()) {
            return null;
        }
        String name = ("weight".equals(m.group(3)) ? BLOCK_WEIGHTS : BLOCK_BIASES).get(m.group(2));
        return name == null ? null : LlamaWeights.layer(Integer.parseInt(m.group(1)), name);
    }
}
