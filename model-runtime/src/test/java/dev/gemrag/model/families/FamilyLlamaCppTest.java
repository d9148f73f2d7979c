package dev.gemrag.model.families;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.CheckpointLoader;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.RopeScaling;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.KvCache;
import dev.gemrag.model.llama.LlamaModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each supported family's tiny random checkpoint, as GGUF and as a Hugging Face directory, against
 * llama.cpp's logits for the GGUF (FP32 weights: both sides do FP32 maths). Fixtures: {@code
 * src/test/resources/families}.
 */
class FamilyLlamaCppTest {
    /** FP32 on both sides; summation order is all that differs. */
    private static final double TOLERANCE = 1e-3;

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "qwen3", "smollm3"})
    void ggufLogitsMatchLlamaCpp(String family) {
        FamilyFixture f = FamilyFixture.load(family);
        Checkpoint cp = CheckpointLoader.load(f.gguf());
        float[][] ours = FamilyFixture.logits(cp.config(), cp.weights(), f.ids());
        assertThat(FamilyFixture.top1Agreements(ours, f.llamaCppLogits()))
                .as(family + " top-1")
                .isEqualTo(f.ids().length);
        assertThat(FamilyFixture.maxAbsDiff(ours, f.llamaCppLogits()))
                .as(family + " max |logit diff|")
                .isLessThanOrEqualTo(TOLERANCE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "qwen3", "smollm3"})
    void huggingFaceDirectoryGivesTheSameLogits(String family) {
        FamilyFixture f = FamilyFixture.load(family);
        Checkpoint gguf = CheckpointLoader.load(f.gguf());
        Checkpoint hf = CheckpointLoader.load(f.hfDir());
        assertThat(hf.config().architecture()).isEqualTo(gguf.config().architecture());
        assertThat(hf.config().qkNorm()).isEqualTo(gguf.config().qkNorm());
        assertThat(hf.config().noRopeLayerStep()).isEqualTo(gguf.config().noRopeLayerStep());
        assertThat(hf.config().ropeLayout()).isEqualTo(RopeLayout.HALF_SPLIT);
        float[][] fromHf = FamilyFixture.logits(hf.config(), hf.weights(), f.ids());
        assertThat(FamilyFixture.maxAbsDiff(fromHf, f.llamaCppLogits()))
                .as(family + " HF vs llama.cpp")
                .isLessThanOrEqualTo(TOLERANCE);
        assertThat(
                        FamilyFixture.maxAbsDiff(
                                fromHf,
                                FamilyFixture.logits(gguf.config(), gguf.weights(), f.ids())))
                .as(family + " HF vs GGUF")
                .isLessThanOrEqualTo(1e-4);
    }

    @Test
    void familyFeaturesAreReadFromBothFormats() {
        LlamaConfig llama = CheckpointLoader.load(FamilyFixture.load("llama3").gguf()).config();
        LlamaConfig llamaHf = CheckpointLoader.load(FamilyFixture.load("llama3").hfDir()).config();
        assertThat(llama.ropeScaling().isNone()).isFalse();
        assertThat(llama.ropeInverseFrequencies())
                .containsExactly(llamaHf.ropeInverseFrequencies());
        assertThat(llama.isPlainLlama()).isTrue();
        LlamaConfig qwen = CheckpointLoader.load(FamilyFixture.load("qwen3").gguf()).config();
        assertThat(qwen.qkNorm()).isTrue();
        assertThat(qwen.headDim()).isEqualTo(16).isNotEqualTo(qwen.hiddenSize() / qwen.numHeads());
        assertThat(qwen.isPlainLlama()).isFalse();
        LlamaConfig smol = CheckpointLoader.load(FamilyFixture.load("smollm3").gguf()).config();
        assertThat(smol.noRopeLayerStep()).isEqualTo(4);
        assertThat(smol.usesRope(2)).isTrue();
        assertThat(smol.usesRope(3)).isFalse();
        assertThat(smol.isPlainLlama()).isFalse();
    }

    /**
     * Prefill half the ids, then one token per step through the KV cache: still llama.cpp's logits.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama3", "qwen3", "smollm3"})
    void cachedDecodeMatchesLlamaCpp(String family) {
        FamilyFixture f = FamilyFixture.load(family);
        Checkpoint cp = CheckpointLoader.load(f.gguf());
        int n = f.ids().length;
        int prefill = n / 2;
        float[][] ours = new float[n][];
        try (LlamaModel model = LlamaModel.create(cp.config(), cp.weights(), ai.djl.Device.cpu());
                NDManager m = model.newManager();
                KvCache cache = model.newCache(1, n)) {
            int done = 0;
            while (done < n) {
                int t = done == 0 ? prefill : 1;
                long[] tok = new long[t];
                long[] pos = new long[t];
                for (int i = 0; i < t; i++) {
                    tok[i] = f.ids()[done + i];
                    pos[i] = done + i;
                }
                NDArray hidden =
                        model.forward(
                                m.create(tok, new Shape(1, t)),
                                m.create(pos, new Shape(1, t)),
                                AttentionMasks.causal(m, 1, t, done, null),
                                cache);
                float[] flat = model.logits(hidden).toFloatArray();
                int vocab = flat.length / t;
                for (int i = 0; i < t; i++) {
                    ours[done + i] = java.util.Arrays.copyOfRange(flat, i * vocab, (i + 1) * vocab);
                }
                done += t;
            }
        }
        assertThat(FamilyFixture.top1Agreements(ours, f.llamaCppLogits())).isEqualTo(n);
        assertThat(FamilyFixture.maxAbsDiff(ours, f.llamaCppLogits()))
                .as(family + " cached")
                .isLessThanOrEqualTo(TOLERANCE);
    }

    /**
     * The fixtures exercise the features: dropping one moves the logits far beyond the tolerance.
     */
    @Test
    void theFixturesDependOnEachFeature() {
        FamilyFixture llama = FamilyFixture.load("llama3");
        Checkpoint cp = CheckpointLoader.load(llama.gguf());
        float[][] unscaled =
                FamilyFixture.logits(
                        cp.config().withRopeScaling(RopeScaling.none()), cp.weights(), llama.ids());
        assertThat(FamilyFixture.maxAbsDiff(unscaled, llama.llamaCppLogits())).isGreaterThan(0.05);

        FamilyFixture smol = FamilyFixture.load("smollm3");
        Checkpoint sc = CheckpointLoader.load(smol.gguf());
        float[][] allRope =
                FamilyFixture.logits(sc.config().withFeatures(false, 0), sc.weights(), smol.ids());
        assertThat(FamilyFixture.maxAbsDiff(allRope, smol.llamaCppLogits())).isGreaterThan(0.05);
    }
}
