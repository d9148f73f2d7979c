package dev.gemrag.model.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.CheckpointLoader;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.testing.GgufTestWriter;
import dev.gemrag.model.testing.TinyLlama;
import dev.gemrag.model.testing.TinyVocab;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufCheckpointLoaderTest {
    @TempDir Path dir;

    @Test
    void loadsTinyLlamaWithConfigWeightsAndVocabulary() throws Exception {
        TinyLlama model = TinyLlama.random(1, false);
        Path f = GgufTestWriter.writeLlama(model, dir.resolve("tiny.gguf"), false);
        Checkpoint cp = CheckpointLoader.load(f);
        LlamaConfig c = cp.config();
        assertThat(c.architecture()).isEqualTo("llama");
        assertThat(c.ropeLayout()).isEqualTo(RopeLayout.INTERLEAVED);
        assertThat(c.numHeads()).isEqualTo(4);
        assertThat(c.numKvHeads()).isEqualTo(2);
        assertThat(c.headDim()).isEqualTo(8);
        assertThat(c.vocabSize()).isEqualTo(TinyVocab.SIZE);
        assertThat(c.tiedEmbeddings()).isFalse();
        assertThat(c.attentionBias()).isFalse();
        // non-permuted weights come back bit for bit
        assertThat(cp.weights().get("layers.1.w2").data())
                .isEqualTo(model.weights().get("layers.1.w2").data());
        assertThat(cp.weights().get("output").data())
                .isEqualTo(model.weights().get("output").data());
        assertThat(cp.weights().get("layers.0.wv").shape()).containsExactly(16, 32);
        assertThat(cp.eosTokenIds()).containsExactly(TinyVocab.IM_END, TinyVocab.ENDOFTEXT);
        assertThat(cp.bosTokenId()).isEqualTo(-1);
        assertThat(cp.chatTemplate()).isEqualTo(TinyVocab.CHAT_TEMPLATE);
        assertThat(cp.sha256()).hasSize(64);
    }

    @Test
    void tiedEmbeddingsWhenOutputIsAbsent() throws Exception {
        Path f =
                GgufTestWriter.writeLlama(
                        TinyLlama.random(2, true), dir.resolve("tied.gguf"), true);
        Checkpoint cp = CheckpointLoader.load(f);
        assertThat(cp.config().tiedEmbeddings()).isTrue();
        assertThat(cp.weights().has("output")).isFalse();
    }

    @Test
    void unknownArchitectureIsNamed() throws Exception {
        Path f =
                new GgufTestWriter()
                        .putString("general.architecture", "mamba")
                        .addF32("token_embd.weight", new long[] {4, 2}, new float[8])
                        .write(dir.resolve("mamba.gguf"));
        assertThatThrownBy(() -> CheckpointLoader.load(f))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("mamba.gguf")
                .hasMessageContaining("unsupported architecture 'mamba'")
                .hasMessageContaining("llama, mistral, qwen2");
    }

    @Test
    void unsupportedTensorTypeNamesFileTensorAndType() throws Exception {
        TinyLlama model = TinyLlama.random(3, true);
        Path good = GgufTestWriter.writeLlama(model, dir.resolve("good.gguf"), false);
        // Same metadata, plus one Q3_K tensor (ggml type 11, 110 bytes per block of 256) that the
        // loader must use.
        GgufFile file = GgufReader.read(good);
        GgufTestWriter w = new GgufTestWriter();
        file.metadata()
                .asMap()
                .forEach(
                        (k, v) -> {
                            if (v instanceof List<?> list) {
                                w.putArray(
                                        k,
                                        list.get(0) instanceof String
                                                ? GgufTestWriter.STRING
                                                : GgufTestWriter.INT32,
                                        list);
                            } else if (v instanceof String s) {
                                w.putString(k, s);
                            } else if (v instanceof Float fl) {
                                w.putF32(k, fl);
                            } else if (v instanceof Boolean b) {
                                w.putBool(k, b);
                            } else {
                                w.putU32(k, ((Number) v).longValue());
                            }
                        });
        file.tensors()
                .values()
                .forEach(
                        t -> {
                            if (t.name().equals("blk.0.ffn_up.weight")) {
                                w.addTensor(
                                        t.name(),
                                        t.dims(),
                                        11,
                                        new byte[(int) (t.count() / 256 * 110)]);
                            } else {
                                byte[] data = new byte[(int) file.byteSize(t)];
                                file.map(t).get(data);
                                w.addTensor(t.name(), t.dims(), t.typeId(), data);
                            }
                        });
        Path bad = w.write(dir.resolve("q3_k.gguf"));
        assertThatThrownBy(() -> CheckpointLoader.load(bad))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("q3_k.gguf")
                .hasMessageContaining("'blk.0.ffn_up.weight'")
                .hasMessageContaining("Q3_K");
    }

    @Test
    void missingModelPathIsNamed() {
        assertThatThrownBy(() -> CheckpointLoader.load(dir.resolve("absent.gguf")))
                .hasMessageContaining("absent.gguf")
                .hasMessageContaining("not found");
    }

    @Test
    void tensorNamesMapToCanonicalNames() {
        assertThat(GgufTensorNames.canonical("token_embd.weight")).isEqualTo("token_embd");
        assertThat(GgufTensorNames.canonical("blk.12.attn_q.weight")).isEqualTo("layers.12.wq");
        assertThat(GgufTensorNames.canonical("blk.0.attn_k.bias")).isEqualTo("layers.0.bk");
        assertThat(GgufTensorNames.canonical("blk.3.attn_output.weight")).isEqualTo("layers.3.wo");
        assertThat(GgufTensorNames.canonical("blk.3.ffn_gate.weight")).isEqualTo("layers.3.w1");
        assertThat(GgufTensorNames.canonical("blk.3.ffn_down.weight")).isEqualTo("layers.3.w2");
        assertThat(GgufTensorNames.canonical("blk.3.ffn_up.weight")).isEqualTo("layers.3.w3");
        assertThat(GgufTensorNames.canonical("output_norm.weight")).isEqualTo("output_norm");
        assertThat(GgufTensorNames.canonical("output.weight")).isEqualTo("output");
        assertThat(GgufTensorNames.canonical("rope_freqs.weight")).isNull();
    }
}
