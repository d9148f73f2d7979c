package dev.gemrag.model.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.CheckpointLoader;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.testing.HfTestWriter;
import dev.gemrag.model.testing.HfTestWriter.Dtype;
import dev.gemrag.model.testing.TinyLlama;
import dev.gemrag.model.testing.TinyVocab;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfCheckpointLoaderTest {
    @TempDir Path dir;

    @Test
    void loadsF32DirectoryUnchanged() throws Exception {
        TinyLlama model = TinyLlama.random(5, false);
        Path d = HfTestWriter.write(model, dir.resolve("m"), Dtype.F32);
        Checkpoint cp = CheckpointLoader.load(d);
        assertThat(cp.config()).isEqualTo(model.config());
        assertThat(cp.config().ropeLayout()).isEqualTo(RopeLayout.HALF_SPLIT);
        for (WeightTensor t : model.weights().all().values()) {
            assertThat(cp.weights().get(t.name()).data()).as(t.name()).isEqualTo(t.data());
            assertThat(cp.weights().get(t.name()).shape()).as(t.name()).isEqualTo(t.shape());
        }
        assertThat(cp.chatTemplate()).isEqualTo(TinyVocab.CHAT_TEMPLATE);
        assertThat(cp.eosTokenIds()).containsExactly(TinyVocab.IM_END, TinyVocab.ENDOFTEXT);
        assertThat(cp.bosTokenId()).isEqualTo(-1);
        assertThat(cp.sha256()).hasSize(64);
    }

    @Test
    void shardedBf16IsWidenedToF32() throws Exception {
        TinyLlama model = TinyLlama.random(6, true);
        Path d = HfTestWriter.write(model, dir.resolve("m"), Dtype.BF16, 3);
        assertThat(Files.exists(d.resolve("model-00003-of-00003.safetensors"))).isTrue();
        Checkpoint cp = CheckpointLoader.load(d);
        assertThat(cp.config().tiedEmbeddings()).isTrue();
        assertThat(cp.weights().has("output")).isFalse();
        float[] expected = model.weights().get("layers.1.wq").data();
        float[] actual = cp.weights().get("layers.1.wq").data();
        for (int i = 0; i < expected.length; i++) {
            // bfloat16 keeps 8 significant bits: rounding error at most half an ulp, 2^-8 relative
            assertThat(Math.abs(actual[i] - expected[i]))
                    .isLessThanOrEqualTo(Math.abs(expected[i]) / 256f + 1e-30f);
            // and the widened value is exactly a bfloat16 (low 16 bits zero)
            assertThat(Float.floatToIntBits(actual[i]) & 0xFFFF).isZero();
        }
    }

    @Test
    void f16IsReadAsHalfPrecision() throws Exception {
        TinyLlama model = TinyLlama.random(7, true);
        Checkpoint cp =
                CheckpointLoader.load(HfTestWriter.write(model, dir.resolve("m"), Dtype.F16));
        float[] expected = model.weights().get("token_embd").data();
        float[] actual = cp.weights().get("token_embd").data();
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i]))
                    .isLessThanOrEqualTo(Math.abs(expected[i]) / 2048f + 1e-7f);
        }
    }

    @Test
    void tiedWhenLmHeadIsAbsentEvenIfConfigSaysUntied() throws Exception {
        TinyLlama model = TinyLlama.random(8, true);
        Path d = HfTestWriter.write(model, dir.resolve("m"), Dtype.F32);
        ObjectNode config =
                HfTestWriter.configJson(model.config()).put("tie_word_embeddings", false);
        Files.writeString(d.resolve("config.json"), config.toString());
        assertThat(CheckpointLoader.load(d).config().tiedEmbeddings()).isTrue();
    }

    @Test
    void missingConfigIsNamed() throws Exception {
        Path d = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> CheckpointLoader.load(d))
                .isInstanceOf(HfFormatException.class)
                .hasMessageContaining("config.json")
                .hasMessageContaining("not found");
    }

    @Test
    void missingTokenizerIsNamed() throws Exception {
        Path d = HfTestWriter.write(TinyLlama.random(9, true), dir.resolve("m"), Dtype.F32);
        Files.delete(d.resolve("tokenizer.json"));
        assertThatThrownBy(() -> CheckpointLoader.load(d))
                .hasMessageContaining("tokenizer.json")
                .hasMessageContaining("not found");
    }

    @Test
    void unknownArchitectureIsNamed() throws Exception {
        TinyLlama model = TinyLlama.random(10, true);
        Path d = HfTestWriter.write(model, dir.resolve("m"), Dtype.F32);
        Files.writeString(
                d.resolve("config.json"),
                HfTestWriter.configJson(model.config()).put("model_type", "gpt2").toString());
        assertThatThrownBy(() -> CheckpointLoader.load(d))
                .hasMessageContaining("config.json")
                .hasMessageContaining("unsupported architecture 'gpt2'");
    }

    @Test
    void badSafetensorsHeaderIsNamed() throws Exception {
        Path d = HfTestWriter.write(TinyLlama.random(11, true), dir.resolve("m"), Dtype.F32);
        Path weights = d.resolve("model.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(weights.toFile(), "rw")) {
            raf.write("GGUFxxxx".getBytes()); // a GGUF file renamed is not a safetensors file
        }
        assertThatThrownBy(() -> CheckpointLoader.load(d))
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("not a safetensors file");
    }

    @Test
    void truncatedSafetensorsIsNamed() throws Exception {
        Path d = HfTestWriter.write(TinyLlama.random(12, true), dir.resolve("m"), Dtype.F32);
        Path weights = d.resolve("model.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(weights.toFile(), "rw")) {
            raf.setLength(raf.length() - 10);
        }
        assertThatThrownBy(() -> CheckpointLoader.load(d))
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("truncated");
    }

    @Test
    void unsupportedDtypeNamesFileTensorAndType() throws Exception {
        Path d = HfTestWriter.write(TinyLlama.random(13, true), dir.resolve("m"), Dtype.F32);
        Path weights = d.resolve("model.safetensors");
        Files.delete(weights);
        HfTestWriter.writeRawSafetensors(
                weights,
                Map.of("model.norm.weight", new byte[32]),
                Map.of("model.norm.weight", new long[] {32}),
                "I8");
        assertThatThrownBy(() -> CheckpointLoader.load(d))
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("'model.norm.weight'")
                .hasMessageContaining("unsupported dtype I8");
    }

    @Test
    void missingWeightIsNamed() throws Exception {
        TinyLlama model = TinyLlama.random(14, true);
        Path d = HfTestWriter.write(model, dir.resolve("m"), Dtype.F32);
        Files.delete(d.resolve("model.safetensors"));
        HfTestWriter.writeSafetensors(
                d.resolve("model.safetensors"),
                Map.of("model.embed_tokens.weight", model.weights().get("token_embd")),
                Dtype.F32);
        assertThatThrownBy(() -> CheckpointLoader.load(d))
                .hasMessageContaining("weight 'layers.0.attn_norm' is missing");
    }

    /**
     * Llama 3 style: no add_bos_token, the BOS comes from the post-processor; template in
     * chat_template.jinja.
     */
    @Test
    void bosFromPostProcessorTemplateFromJinjaFileEosFromGenerationConfig() throws Exception {
        Path d = HfTestWriter.write(TinyLlama.random(15, true), dir.resolve("m"), Dtype.F32);
        ObjectMapper json = new ObjectMapper();
        ObjectNode tokenizer =
                (ObjectNode) json.readTree(Files.readString(d.resolve("tokenizer.json")));
        ObjectNode post = tokenizer.putObject("post_processor").put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "<|endoftext|>").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        post.putArray("pair");
        post.putObject("special_tokens");
        Files.writeString(d.resolve("tokenizer.json"), tokenizer.toString());
        Files.writeString(d.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|im_end|>\"}");
        Files.writeString(d.resolve("chat_template.jinja"), "{{ messages[0]['content'] }}");
        Files.writeString(d.resolve("generation_config.json"), "{\"eos_token_id\": [271, 270]}");
        Checkpoint cp = CheckpointLoader.load(d);
        assertThat(cp.bosTokenId()).isEqualTo(TinyVocab.ENDOFTEXT);
        assertThat(cp.chatTemplate()).isEqualTo("{{ messages[0]['content'] }}");
        assertThat(cp.eosTokenIds())
                .containsExactly(TinyVocab.IM_END, TinyVocab.IM_START, TinyVocab.ENDOFTEXT);
    }
}
