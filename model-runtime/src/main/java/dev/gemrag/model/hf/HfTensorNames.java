package dev.gemrag.model.hf;

import dev.gemrag.model.LlamaWeights;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face (transformers LlamaForCausalLM) tensor names to the canonical names of {@link
 * LlamaWeights}.
 */
final class HfTensorNames {
    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");

    private static final Map<String, String> GLOBAL =
            Map.of(
                    "model.embed_tokens.weight", "token_embd",
                    "model.norm.weight", "output_norm",
                    "lm_head.weight", "output");

    private static final Map<String, String> IN_LAYER =
            Map.ofEntries(
                    Map.entry("input_layernorm.weight", "attn_norm"),
                    Map.entry("self_attn.q_proj.weight", "wq"),
                    Map.entry("self_attn.k_proj.weight", "wk"),
                    Map.entry("self_attn.v_proj.weight", "wv"),
                    Map.entry("self_attn.q_proj.bias", "bq"),
                    Map.entry("self_attn.k_proj.bias", "bk"),
                    Map.entry("self_attn.v_proj.bias", "bv"),
                    Map.entry("self_attn.o_proj.weight", "wo"),
                    Map.entry("self_attn.q_norm.weight", "q_norm"),
                    Map.entry("self_attn.k_norm.weight", "k_norm"),
                    Map.entry("post_attention_layernorm.weight", "ffn_norm"),
                    Map.entry("mlp.gate_proj.weight", "w1"),
                    Map.entry("mlp.down_proj.weight", "w2"),
                    Map.entry("mlp.up_proj.weight", "w3"));

    private HfTensorNames() {}

    /**
     * The canonical name, or null for tensors the forward pass does not use (e.g. rotary inv_freq).
     */
    static String canonical(String hfName) {
        String global = GLOBAL.get(hfName);
        if (global != null) {
            return global;
        }
        Matcher m = LAYER.matcher(hfName);
        if (!m.matches()) {
            return null;
        }
        String name = IN_LAYER.get(m.group(2));
        return name == null ? null : LlamaWeights.layer(Integer.parseInt(m.group(1)), name);
    }
}
