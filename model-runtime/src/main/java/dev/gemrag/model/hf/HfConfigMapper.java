package dev.gemrag.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.RopeScaling;
import java.nio.file.Path;
import java.util.Set;

/**
 * Maps a transformers config.json to a {@link LlamaConfig}; Hugging Face weights always rotate
 * half-split pairs.
 */
final class HfConfigMapper {
    private static final Set<String> SUPPORTED =
            Set.of("llama", "mistral", "qwen2", "qwen3", "smollm3");

    private HfConfigMapper() {}

    /**
     * @param hasLmHead whether the checkpoint carries lm_head.weight (absent means tied embeddings)
     */
    static LlamaConfig map(JsonNode c, Path file, boolean hasLmHead) {
        String type = c.path("model_type").asText("");
        if (!SUPPORTED.contains(type)) {
            throw new HfFormatException(
                    file
                            + ": unsupported architecture '"
                            + type
                            + "' (model_type; supported: llama, mistral, qwen2, qwen3, smollm3)");
        }
        rejectUnsupported(c, file, type);
        int hidden = required(c, file, "hidden_size");
        int heads = required(c, file, "num_attention_heads");
        int headDim = c.path("head_dim").isInt() ? c.get("head_dim").asInt() : hidden / heads;
        boolean tied = c.path("tie_word_embeddings").asBoolean(false) || !hasLmHead;
        float theta = (float) c.path("rope_theta").asDouble(10000);
        RopeScaling scaling = ropeScaling(c, file, headDim, theta);
        int noRopeStep = "smollm3".equals(type) ? noRopeStep(c, file) : 0;
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
                theta,
                c.path("max_position_embeddings").asInt(2048),
                tied,
                "qwen2".equals(type) || c.path("attention_bias").asBoolean(false),
                RopeLayout.HALF_SPLIT,
                scaling,
                "qwen3".equals(type),
                noRopeStep);
    }

    /**
     * rope_scaling: absent/null/"default", or {@code rope_type} (older files: {@code type})
     * "llama3"; others refused.
     */
    private static RopeScaling ropeScaling(JsonNode c, Path file, int headDim, float theta) {
        JsonNode s = c.path("rope_scaling");
        if (s.isMissingNode() || s.isNull()) {
            return RopeScaling.none();
        }
        String type = s.path("rope_type").asText(s.path("type").asText(""));
        if ("default".equals(type)) { // transformers' name for plain RoPE
            return RopeScaling.none();
        }
        if (!"llama3".equals(type)) {
            throw new HfFormatException(
                    file
                            + ": rope_scaling type '"
                            + type
                            + "' is not supported (supported: llama3)");
        }
        for (String key :
                new String[] {
                    "factor",
                    "low_freq_factor",
                    "high_freq_factor",
                    "original_max_position_embeddings"
                }) {
            if (!s.path(key).isNumber()) {
                throw new HfFormatException(
                        file + ": rope_scaling llama3 needs a number '" + key + "': " + s);
            }
        }
        try {
            return RopeScaling.llama3(
                    (float) s.get("factor").asDouble(),
                    (float) s.get("low_freq_factor").asDouble(),
                    (float) s.get("high_freq_factor").asDouble(),
                    s.get("original_max_position_embeddings").asInt(),
                    headDim,
                    theta);
        } catch (IllegalArgumentException e) {
            throw new HfFormatException(file + ": " + e.getMessage());
        }
    }

    /**
     * SmolLM3 lists per layer whether it uses RoPE ({@code no_rope_layers}: 1 = RoPE, 0 = NoPE); we
     * run the pattern llama.cpp runs, every {@code no_rope_layer_interval}-th layer without RoPE,
     * and refuse any other.
     */
    private static int noRopeStep(JsonNode c, Path file) {
        int step = c.path("no_rope_layer_interval").asInt(4);
        JsonNode flags = c.path("no_rope_layers");
        int layers = c.path("num_hidden_layers").asInt(0);
        if (step <= 0) {
            throw new HfFormatException(
                    file + ": no_rope_layer_interval must be positive, got " + step);
        }
        if (flags.isArray()) {
            for (int i = 0; i < flags.size(); i++) {
                boolean rope = (i + 1) % step != 0;
                if ((flags.get(i).asInt() != 0) != rope || flags.size() != layers) {
                    throw new HfFormatException(
                            file
                                    + ": no_rope_layers "
                                    + flags
                                    + " is not every "
                                    + step
                                    + "th layer without RoPE (the only NoPE pattern supported)");
                }
            }
        }
        return step;
    }

    /** Features LlamaConfig cannot express: refuse rather than compute something else. */
    private static void rejectUnsupported(JsonNode c, Path file, String type) {
        JsonNode window = c.path("sliding_window");
        boolean windowed =
                type.startsWith("qwen") || "smollm3".equals(type)
                        ? c.path("use_sliding_window").asBoolean(false)
                        : window.isInt()
                                && window.asInt()
                                        < c.path("max_position_embeddings")
                                                .asInt(Integer.MAX_VALUE);
        if (windowed) {
            throw new HfFormatException(
                    file + ": sliding-window attention (" + window + ") is not supported");
        }
        String act = c.path("hidden_act").asText("silu");
        if (!"silu".equals(act)) {
            throw new HfFormatException(
                    file + ": hidden_act '" + act + "' is not supported (only silu)");
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
