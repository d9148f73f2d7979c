package dev.gemrag.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.RopeLayout;
import java.nio.file.Path;
import java.util.Set;

/** Maps a transformers config.json to a {@link LlamaConfig}; Hugging Face weights always rotate half-split pairs. */
final class HfConfigMapper {
    private static final Set<String> SUPPORTED = Set.of("llama", "mistral", "qwen2");

    private HfConfigMapper() {
    }

    /**
     * @param hasLmHead whether the checkpoint carries lm_head.weight (absent means tied embeddings)
     */
    static LlamaConfig map(JsonNode c, Path file, boolean hasLmHead) {
        String type = c.path("model_type").asText("");
        if (!SUPPORTED.contains(type)) {
            throw new HfFormatException(file + ": unsupported architecture '" + type
                    + "' (model_type; supported: llama, mistral, qwen2)");
        }
        rejectUnsupported(c, file, type);
        int hidden = required(c, file, "hidden_size");
        int heads = required(c, file, "num_attention_heads");
        int headDim = c.path("head_dim").isInt() ? c.get("head_dim").asInt() : hidden / heads;
        boolean tied = c.path("tie_word_embeddings").asBoolean(false) || !hasLmHead;
        return new LlamaConfig(
                type,
                required(c, file, "vocab_size"),
                hidden,
                required(c, file, "intermediate_size"),
                required(c, file, "num_hidden_layers"),
                heads,
                c.path("num_key_value_heads").asInt(heads),
                headDim,
                (float) c.path("rms_norm_eps").asDouble(1e-6),
                (float) c.path("rope_theta").asDouble(10000),
                c.path("max_position_embeddings").asInt(2048),
                tied,
                "qwen2".equals(type) || c.path("attention_bias").asBoolean(false),
                RopeLayout.HALF_SPLIT);
    }

    /** Features LlamaConfig cannot express: refuse rather than compute something else. */
    private static void rejectUnsupported(JsonNode c, Path file, String type) {
        JsonNode scaling = c.path("rope_scaling");
        if (!scaling.isMissingNode() && !scaling.isNull()) {
            throw new HfFormatException(file + ": rope_scaling " + scaling + " is not supported");
        }
        JsonNode window = c.path("sliding_window");
        boolean windowed = "qwen2".equals(type)
                ? c.path("use_sliding_window").asBoolean(false)
                : window.isInt() && window.asInt() < c.path("max_position_embeddings").asInt(Integer.MAX_VALUE);
        if (windowed) {
            throw new HfFormatException(file + ": sliding-window attention (" + window + ") is not supported");
        }
        String act = c.path("hidden_act").asText("silu");
        if (!"silu".equals(act)) {
            throw new HfFormatException(file + ": hidden_act '" + act + "' is not supported (only silu)");
        }
    }

    private static int required(JsonNode c, Path file, String key) {
        JsonNode v = c.get(key);
        if (v == null || !v.canConvertToInt()) {
            throw new HfFormatException(file + ": '" + key + "' is missing or not an integer");
        }
        return v.asInt();
    }
}
