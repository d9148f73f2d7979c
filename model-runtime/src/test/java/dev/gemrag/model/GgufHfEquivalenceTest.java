package dev.gemrag.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.testing.GgufTestWriter;
import dev.gemrag.model.testing.HfTestWriter;
import dev.gemrag.model.testing.TinyLlama;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same random Llama written as GGUF (llama.cpp layout) and as a Hugging Face directory loads to
 * identical weights, except that GGUF Q/K rows are llama.cpp's permutation of the HF rows.
 */
class GgufHfEquivalenceTest {
    @TempDir Path dir;

    @Test
    void sameWeightsUpToTheQkPermutation() throws Exception {
        TinyLlama model = TinyLlama.random(42, false);
        Checkpoint gguf =
                CheckpointLoader.load(
                        GgufTestWriter.writeLlama(model, dir.resolve("m.gguf"), false));
        Checkpoint hf =
                CheckpointLoader.load(
                        HfTestWriter.write(model, dir.resolve("hf"), HfTestWriter.Dtype.F32));
        LlamaConfig c = hf.config();
        assertThat(gguf.config().ropeLayout()).isEqualTo(RopeLayout.INTERLEAVED);
        assertThat(c.ropeLayout()).isEqualTo(RopeLayout.HALF_SPLIT);
        assertThat(
                        new LlamaConfig(
                                c.architecture(),
                                c.vocabSize(),
                                c.hiddenSize(),
                                c.intermediateSize(),
                                c.numLayers(),
                                c.numHeads(),
                                c.numKvHeads(),
                                c.headDim(),
                                c.rmsNormEps(),
                                c.ropeTheta(),
                                c.maxPositions(),
                                c.tiedEmbeddings(),
                                c.attentionBias(),
                                RopeLayout.INTERLEAVED))
                .isEqualTo(gguf.config());
        assertThat(gguf.weights().all().keySet())
                .containsExactlyInAnyOrderElementsOf(hf.weights().all().keySet());
        for (WeightTensor h : hf.weights().all().values()) {
            WeightTensor g = gguf.weights().get(h.name());
            assertThat(g.shape()).as(h.name()).isEqualTo(h.shape());
            float[] expected = h.data();
            if (h.name().endsWith(".wq")) {
                expected =
                        TinyLlama.permuteRows(
                                expected, (int) h.shape()[0], (int) h.shape()[1], c.numHeads());
            } else if (h.name().endsWith(".wk")) {
                expected =
                        TinyLlama.permuteRows(
                                expected, (int) h.shape()[0], (int) h.shape()[1], c.numKvHeads());
            }
            assertThat(g.data()).as(h.name()).isEqualTo(expected);
        }
        // the permutation really moved rows: GGUF row 1 of head 0 is HF row headDim/2
        float[] gq = gguf.weights().get("layers.0.wq").data();
        float[] hq = hf.weights().get("layers.0.wq").data();
        int cols = c.hiddenSize();
        for (int k = 0; k < cols; k++) {
            assertThat(gq[cols + k]).isEqualTo(hq[(c.headDim() / 2) * cols + k]);
        }
        assertThat(gguf.tokenizerJson()).isEqualTo(hf.tokenizerJson());
    }

    @Test
    void f16FilesAgreeToo() throws Exception {
        TinyLlama model = TinyLlama.random(43, true);
        Checkpoint gguf =
                CheckpointLoader.load(
                        GgufTestWriter.writeLlama(model, dir.resolve("m.gguf"), true));
        Checkpoint hf =
                CheckpointLoader.load(
                        HfTestWriter.write(model, dir.resolve("hf"), HfTestWriter.Dtype.F16));
        float[] expected = hf.weights().get("layers.1.wk").data();
        expected = TinyLlama.permuteRows(expected, 16, 32, hf.config().numKvHeads());
        assertThat(gguf.weights().get("layers.1.wk").data()).isEqualTo(expected);
        assertThat(gguf.weights().get("layers.1.w3").data())
                .isEqualTo(hf.weights().get("layers.1.w3").data());
    }

    @Test
    void qwen2KeepsHalfSplitRowsAndBiasesInBothFormats() throws Exception {
        LlamaConfig qwen =
                new LlamaConfig(
                        "qwen2",
                        dev.gemrag.model.testing.TinyVocab.SIZE,
                        32,
                        64,
                        2,
                        4,
                        2,
                        8,
                        1e-6f,
                        1_000_000f,
                        128,
                        true,
                        true,
                        RopeLayout.HALF_SPLIT);
        TinyLlama model = TinyLlama.random(44, qwen);
        Checkpoint gguf =
                CheckpointLoader.load(
                        GgufTestWriter.writeLlama(model, dir.resolve("q.gguf"), false));
        Checkpoint hf =
                CheckpointLoader.load(
                        HfTestWriter.write(model, dir.resolve("qhf"), HfTestWriter.Dtype.F32));
        assertThat(gguf.config()).isEqualTo(qwen);
        assertThat(hf.config()).isEqualTo(qwen);
        for (String name :
                new String[] {
                    "layers.0.wq", "layers.1.wk", "layers.0.bq", "layers.1.bk", "layers.1.bv"
                }) {
            assertThat(gguf.weights().get(name).data())
                    .as(name)
                    .isEqualTo(model.weights().get(name).data());
            assertThat(hf.weights().get(name).data())
                    .as(name)
                    .isEqualTo(model.weights().get(name).data());
        }
    }
}
