package dev.gemrag.model.gem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.llama.LinearWeights;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import dev.gemrag.model.llama.compiled.ScriptLora;
import dev.gemrag.model.llama.compiled.WeightFormat;
import dev.gemrag.model.testing.TinyLlama;
import dev.gemrag.model.testing.TinyVocab;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The summary-only pass on the compiled decoder (base prefill into the cache, then the summary step
 * with the LoRA inside the compiled call, {@link ScriptLora}) against the eager {@link SummaryPass}
 * (the trainer's, itself checked against one gated forward in {@link SummaryPassTest}): ranks
 * differ per target, some targets are absent (rank 0 blocks in the merged q|k|v and gate|up), GQA,
 * and Qwen2's q/k/v biases.
 */
class CompiledSummaryPassTest {
    private static final List<String> ALL = List.of("wq", "wk", "wv", "wo", "w1", "w2", "w3");

    private static LlamaConfig config(String arch, RopeLayout layout, boolean bias) {
        return new LlamaConfig(
                arch, TinyVocab.SIZE, 32, 64, 2, 4, 2, 8, 1e-5f, 10000f, 128, true, bias, layout);
    }

    private static List<int[]> texts() {
        return List.of(
                new int[] {5, 9, 17, 3, 44, 2},
                new int[] {8},
                new int[] {},
                new int[] {60, 61, 62});
    }

    @ParameterizedTest
    @CsvSource({
        "llama, INTERLEAVED, false, wq wk wv wo w1 w2 w3",
        "llama, HALF_SPLIT, false, wk wo w3",
        "qwen2, HALF_SPLIT, true, wv w1 w2"
    })
    void compiledSummaryStepMatchesTheEagerPass(
            String arch, RopeLayout layout, boolean bias, String targetList) {
        LlamaConfig c = config(arch, layout, bias);
        Set<String> targets = Set.of(targetList.split(" "));
        try (LlamaModel model =
                        LlamaModel.create(c, TinyLlama.random(3, c).weights(), Device.cpu());
                NDManager params = model.newManager()) {
            model.setExtraEmbeddings(
                    params.randomNormal(0, 1f, new Shape(2, c.hiddenSize()), DataType.FLOAT32));
            Map<String, NDArray[]> pairs = new HashMap<>();
            int rank = 2;
            for (int i = 0; i < c.numLayers(); i++) {
                for (String t : ALL) {
                    if (!targets.contains(t)) {
                        continue;
                    }
                    long[] w =
                            model.baseLinear()
                                    .weight(LlamaWeights.layer(i, t))
                                    .getShape()
                                    .getShape();
                    pairs.put(
                            LlamaWeights.layer(i, t),
                            new NDArray[] {
                                params.randomNormal(
                                        0, 0.3f, new Shape(w[1], rank), DataType.FLOAT32),
                                params.randomNormal(
                                        0, 0.3f, new Shape(rank, w[0]), DataType.FLOAT32)
                            });
                    rank++; // a different rank per target: the block layout must follow it
                }
            }
            LinearWeights base = model.baseLinear();
            LinearWeights eager =
                    (name, x) -> {
                        NDArray y = base.apply(name, x);
                        NDArray[] p = pairs.get(name);
                        return p == null ? y : y.add(x.matMul(p[0]).matMul(p[1]));
                    };
            for (WeightFormat format : new WeightFormat[] {WeightFormat.FP32, WeightFormat.FP16}) {
                try (CompiledDecoder compiled = CompiledDecoder.create(model, format);
                        NDManager m = model.newManager()) {
                    ScriptLora lora = compiled.lora(pairs, pairs::get);
                    assertThat(compiled.lora(pairs, pairs::get))
                            .as("built once per source")
                            .isSameAs(lora);
                    for (int k : new int[] {1, 2}) {
                        float[] want =
                                SummaryPass.pooled(model, m, texts(), k, eager).toFloatArray();
                        float[] got =
                                SummaryPass.pooled(compiled, m, texts(), k, lora).toFloatArray();
                        // the embedding forward runs on the FP32 weights in every format
                        assertClose(got, want, 1e-4f, format + " k=" + k);
                        float[] plain =
                                SummaryPass.pooled(model, m, texts(), k, base).toFloatArray();
                        assertThat(meanAbsDiff(plain, want))
                                .as("the LoRA changes the summary states")
                                .isGreaterThan(1e-2);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"wq, 3, 2", "w2, 2, 5"})
    void aPairOfTheWrongShapeIsRefused(String target, int rows, int cols) {
        LlamaConfig c = config("llama", RopeLayout.INTERLEAVED, false);
        try (LlamaModel model =
                        LlamaModel.create(c, TinyLlama.random(3, c).weights(), Device.cpu());
                NDManager params = model.newManager();
                CompiledDecoder compiled = CompiledDecoder.create(model, WeightFormat.FP32)) {
            String name = LlamaWeights.layer(1, target);
            NDArray[] bad = {
                params.zeros(new Shape(rows, cols)), params.zeros(new Shape(cols, rows))
            };
            assertThatThrownBy(() -> compiled.lora(bad, n -> n.equals(name) ? bad : null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("LoRA for " + target);
        }
    }

    private static void assertClose(float[] got, float[] want, float tol, String what) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i])
                    .as(what + " [" + i + "]")
                    .isCloseTo(want[i], Offset.offset(tol * Math.max(1f, Math.abs(want[i]))));
        }
    }

    private static double meanAbsDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += Math.abs(a[i] - b[i]);
        }
        return d / a.length;
    }
}
