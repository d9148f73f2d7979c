package dev.gemrag.model.llama;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.WeightTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * llama.cpp's converter permutes the Q/K rows of Hugging Face weights so that RoPE pairs become
 * adjacent: within each head, new row 2j+k is old row k*headDim/2 + j. HF weights run HALF_SPLIT
 * and the permuted weights run INTERLEAVED must therefore give the same logits.
 */
class RopeLayoutEquivalenceTest {
    @Test
    void permutedInterleavedEqualsHalfSplit() {
        LlamaConfig hf = TinyLlama.config(RopeLayout.HALF_SPLIT, false);
        LlamaConfig gguf = TinyLlama.config(RopeLayout.INTERLEAVED, false);
        LlamaWeights hfWeights = TinyLlama.weights(hf, 31);
        Map<String, WeightTensor> permuted = new LinkedHashMap<>(hfWeights.all());
        for (int i = 0; i < hf.numLayers(); i++) {
            permute(permuted, LlamaWeights.layer(i, "wq"), hf.numHeads(), hf.headDim());
            permute(permuted, LlamaWeights.layer(i, "wk"), hf.numKvHeads(), hf.headDim());
        }
        int[] ids = LlamaModelTest.randomIds(new Random(2), 10, hf.vocabSize());
        float[] a = logits(hf, hfWeights, ids);
        float[] b = logits(gguf, new LlamaWeights(permuted), ids);
        float worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        assertThat(worst).isLessThan(1e-4f);
        // and the layouts really differ: unpermuted weights under INTERLEAVED give other logits
        float[] c = logits(gguf, hfWeights, ids);
        float diff = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - c[i]));
        }
        assertThat(diff).isGreaterThan(1e-2f);
    }

    private static void permute(Map<String, WeightTensor> m, String name, int heads, int headDim) {
        WeightTensor t = m.get(name);
        int cols = (int) t.shape()[1];
        float[] out = new float[t.data().length];
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < half; j++) {
                for (int k = 0; k < 2; k++) {
                    int src = h * headDim + k * half + j;
                    int dst = h * headDim + 2 * j + k;
                    System.arraycopy(t.data(), src * cols, out, dst * cols, cols);
                }
            }
        }
        m.put(name, new WeightTensor(name, t.shape(), out));
    }

    private static float[] logits(LlamaConfig c, LlamaWeights w, int[] ids) {
        try (LlamaModel model = LlamaModel.create(c, w, Device.cpu());
                NDManager m = model.newManager()) {
            return model.logits(
                            model.forward(
                                    LlamaModelTest.ids(m, ids),
                                    LlamaModelTest.ids(m, LlamaModelTest.range(0, ids.length)),
                                    AttentionMasks.causal(m, 1, ids.length, 0, null),
                                    null))
                    .toFloatArray();
        }
    }
}
