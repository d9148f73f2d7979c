package dev.gemrag.model.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.gguf.GgufMetadata;
import dev.gemrag.model.tokenizer.GgufTokenizerConverter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link TinyLlama} as a Hugging Face directory (config.json, safetensors, tokenizer.json,
 * tokenizer_config.json) with transformers' names and unpermuted Q/K rows; also the raw safetensors
 * writer used by the bad-input tests.
 */
public final class HfTestWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Tensor storage type in the safetensors files. */
    public enum Dtype {
        F32,
        F16,
        BF16
    }

    private HfTestWriter() {}

    /** One model.safetensors; lm_head only when the config is untied. */
    public static Path write(TinyLlama model, Path dir, Dtype dtype) throws IOException {
        return write(model, dir, dtype, 1);
    }

    /**
     * With shards &gt; 1, writes model-0000k-of-0000n.safetensors plus
     * model.safetensors.index.json.
     */
    public static Path write(TinyLlama model, Path dir, Dtype dtype, int shards)
            throws IOException {
        Files.createDirectories(dir);
        LlamaConfig c = model.config();
        Files.writeString(dir.resolve("config.json"), configJson(c).toPrettyString());
        Map<String, WeightTensor> hf = new LinkedHashMap<>();
        for (WeightTensor t : model.weights().all().values()) {
            hf.put(hfName(t.name()), t);
        }
        if (shards <= 1) {
            writeSafetensors(dir.resolve("model.safetensors"), hf, dtype);
        } else {
            List<String> names = new ArrayList<>(hf.keySet());
            ObjectNode index = JSON.createObjectNode();
            index.putObject("metadata").put("total_size", 0);
            ObjectNode weightMap = index.putObject("weight_map");
            for (int s = 0; s < shards; s++) {
                String file = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
                Map<String, WeightTensor> part = new LinkedHashMap<>();
                for (int i = s; i < names.size(); i += shards) {
                    part.put(names.get(i), hf.get(names.get(i)));
                    weightMap.put(names.get(i), file);
                }
                writeSafetensors(dir.resolve(file), part, dtype);
            }
            Files.writeString(dir.resolve("model.safetensors.index.json"), index.toPrettyString());
        }
        Files.writeString(dir.resolve("tokenizer.json"), tinyTokenizerJson());
        ObjectNode tc = JSON.createObjectNode();
        tc.put("add_bos_token", false)
                .put("eos_token", "<|im_end|>")
                .put("bos_token", "<|endoftext|>");
        tc.put("chat_template", TinyVocab.CHAT_TEMPLATE);
        Files.writeString(dir.resolve("tokenizer_config.json"), tc.toPrettyString());
        return dir;
    }

    public static ObjectNode configJson(LlamaConfig c) {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add("LlamaForCausalLM");
        n.put("model_type", c.architecture());
        n.put("vocab_size", c.vocabSize());
        n.put("hidden_size", c.hiddenSize());
        n.put("intermediate_size", c.intermediateSize());
        n.put("num_hidden_layers", c.numLayers());
        n.put("num_attention_heads", c.numHeads());
        n.put("num_key_value_heads", c.numKvHeads());
        n.put("rms_norm_eps", c.rmsNormEps());
        n.put("rope_theta", c.ropeTheta());
        n.put("max_position_embeddings", c.maxPositions());
        n.put("tie_word_embeddings", c.tiedEmbeddings());
        n.put("hidden_act", "silu");
        n.put("attention_bias", c.attentionBias());
        n.putNull("rope_scaling");
        n.put("eos_token_id", TinyVocab.IM_END);
        n.put("bos_token_id", TinyVocab.ENDOFTEXT);
        n.put("torch_dtype", "float32");
        return n;
    }

    /**
     * The tiny vocabulary as tokenizer.json (via the GGUF converter, which yields a standard HF
     * file).
     */
    public static String tinyTokenizerJson() {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("tokenizer.ggml.model", "gpt2");
        md.put("tokenizer.ggml.pre", "default");
        md.put("tokenizer.ggml.tokens", TinyVocab.tokens());
        md.put("tokenizer.ggml.token_type", TinyVocab.tokenTypes());
        md.put("tokenizer.ggml.merges", TinyVocab.MERGES);
        return GgufTokenizerConverter.toTokenizerJson(
                new GgufMetadata(Path.of("tiny-vocab"), md), Path.of("tiny-vocab"));
    }

    static String hfName(String canonical) {
        switch (canonical) {
            case "token_embd":
                return "model.embed_tokens.weight";
            case "output_norm":
                return "model.norm.weight";
            case "output":
                return "lm_head.weight";
            default:
                break;
        }
        String[] p = canonical.split("\\.");
        String local =
                switch (p[2]) {
                    case "attn_norm" -> "input_layernorm.weight";
                    case "wq" -> "self_attn.q_proj.weight";
                    case "wk" -> "self_attn.k_proj.weight";
                    case "wv" -> "self_attn.v_proj.weight";
                    case "wo" -> "self_attn.o_proj.weight";
                    case "bq" -> "self_attn.q_proj.bias";
                    case "bk" -> "self_attn.k_proj.bias";
                    case "bv" -> "self_attn.v_proj.bias";
                    case "ffn_norm" -> "post_attention_layernorm.weight";
                    case "w1" -> "mlp.gate_proj.weight";
                    case "w2" -> "mlp.down_proj.weight";
                    case "w3" -> "mlp.up_proj.weight";
                    default -> throw new IllegalArgumentException(canonical);
                };
        return "model.layers." + p[1] + "." + local;
    }

    /** Writes tensors (HF names) to one safetensors file in the given dtype. */
    public static void writeSafetensors(Path file, Map<String, WeightTensor> tensors, Dtype dtype)
            throws IOException {
        Map<String, byte[]> raw = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors.forEach(
                (name, t) -> {
                    raw.put(name, encode(t.data(), dtype));
                    shapes.put(name, t.shape());
                });
        writeRawSafetensors(file, raw, shapes, dtype.name());
    }

    /** Low level: any dtype string and bytes, for bad-input tests. */
    public static void writeRawSafetensors(
            Path file, Map<String, byte[]> raw, Map<String, long[]> shapes, String dtype)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, byte[]> e : raw.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype);
            var shape = t.putArray("shape");
            for (long d : shapes.get(e.getKey())) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + e.getValue().length);
            offset += e.getValue().length;
        }
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(
                ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(headerBytes.length)
                        .array());
        out.write(headerBytes);
        for (byte[] b : raw.values()) {
            out.write(b);
        }
        Files.write(file, out.toByteArray());
    }

    static byte[] encode(float[] data, Dtype dtype) {
        ByteBuffer b =
                ByteBuffer.allocate(data.length * (dtype == Dtype.F32 ? 4 : 2))
                        .order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            switch (dtype) {
                case F32 -> b.putFloat(v);
                case F16 -> b.putShort(HalfFloats.fromFloat(v));
                case BF16 -> b.putShort(HalfFloats.toBf16(v));
            }
        }
        return b.array();
    }
}
