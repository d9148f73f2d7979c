package dev.gemrag.model.gem;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.llama.LinearWeights;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.TinyLlama;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The summary-only pass (text prefilled with the base weights into a KV cache, then the summary
 * step with the LoRA) against an independent computation: ONE forward over text + summary tokens
 * under the GEM mask in which the LoRA delta is multiplied by a 0/1 indicator of the summary
 * positions. Values and gradients must agree.
 */
class SummaryPassTest {
    private static LlamaModel model;
    private static LlamaConfig config;
    private static NDManager params;
    private static final Map<String, NDArray[]> LORA = new HashMap<>();

    @BeforeAll
    static void setUp() {
        config = TinyLlama.config(RopeLayout.INTERLEAVED, true);
        model = LlamaModel.create(config, TinyLlama.weights(config, 11));
        params = model.newManager();
        Random r = new Random(5);
        for (int i = 0; i < config.numLayers(); i++) {
            for (String t : List.of("wq", "wk", "wv", "wo", "w1", "w2", "w3")) {
                long[] w =
                        model.baseLinear().weight(LlamaWeights.layer(i, t)).getShape().getShape();
                NDArray a =
                        params.randomNormal(
                                0, 0.3f, new Shape(3, w[1]), ai.djl.ndarray.types.DataType.FLOAT32);
                NDArray b =
                        params.randomNormal(
                                0, 0.3f, new Shape(w[0], 3), ai.djl.ndarray.types.DataType.FLOAT32);
                a.setRequiresGradient(true);
                b.setRequiresGradient(true);
                LORA.put(LlamaWeights.layer(i, t), new NDArray[] {a, b});
            }
        }
        // trainable summary rows, as in training: the text prefill must not record them
        NDArray rows =
                params.randomNormal(
                        0,
                        1f,
                        new Shape(2, config.hiddenSize()),
                        ai.djl.ndarray.types.DataType.FLOAT32);
        rows.setRequiresGradient(true);
        model.setExtraEmbeddings(rows);
    }

    @AfterAll
    static void tearDown() {
        params.close();
        model.close();
    }

    private static NDArray delta(String name, NDArray x) {
        NDArray[] p = LORA.get(name);
        NDArray at = p[0].transpose();
        at.attach(x.getManager());
        NDArray bt = p[1].transpose();
        bt.attach(x.getManager());
        return x.matMul(at).matMul(bt);
    }

    private static List<int[]> texts() {
        return List.of(
                new int[] {5, 9, 17, 3, 44, 2},
                new int[] {8},
                new int[] {},
                new int[] {60, 61, 62});
    }

    /** Reference: one forward with the GEM mask, LoRA delta gated to summary positions only. */
    private static NDArray reference(NDManager m, List<int[]> texts, int k) {
        return GatedSummaryReference.pooled(model, m, texts, k, SummaryPassTest::delta);
    }

    private static LinearWeights summaryLinear() {
        LinearWeights base = model.baseLinear();
        return (name, x) -> base.apply(name, x).add(delta(name, x));
    }

    @Test
    void valuesMatchOneForwardWithTheLoraGatedToSummaryPositions() {
        for (int k : new int[] {1, 2}) {
            try (NDManager m = model.newManager()) {
                float[] got =
                        SummaryPass.pooled(model, m, texts(), k, summaryLinear()).toFloatArray();
                float[] want = reference(m, texts(), k).toFloatArray();
                assertThat(got).hasSameSizeAs(want);
                for (int i = 0; i < want.length; i++) {
                    assertThat(got[i])
                            .as("k=" + k + " [" + i + "]")
                            .isCloseTo(
                                    want[i],
                                    org.assertj.core.data.Offset.offset(
                                            2e-4f * Math.max(1f, Math.abs(want[i]))));
                }
                // the LoRA changes the summary states (else the comparison would prove nothing)
                float[] plain =
                        SummaryPass.pooled(model, m, texts(), k, model.baseLinear()).toFloatArray();
                double diff = 0;
                for (int i = 0; i < want.length; i++) {
                    diff += Math.abs(plain[i] - want[i]);
                }
                assertThat(diff / want.length).isGreaterThan(1e-2);
            }
        }
    }

    @Test
    void gradientsMatchTheGatedForward() {
        Map<String, float[]> viaCache = grads(true);
        Map<String, float[]> viaGate = grads(false);
        double norm = 0;
        for (var e : viaGate.entrySet()) {
            float[] a = viaCache.get(e.getKey());
            float[] b = e.getValue();
            for (int i = 0; i < b.length; i++) {
                norm += Math.abs(b[i]);
                assertThat(a[i])
                        .as(e.getKey() + "[" + i + "]")
                        .isCloseTo(
                                b[i],
                                org.assertj.core.data.Offset.offset(
                                        1e-3f * Math.max(1f, Math.abs(b[i]))));
            }
        }
        assertThat(norm).as("gradients are not all zero").isGreaterThan(1e-3);
    }

    private static Map<String, float[]> grads(boolean summaryPass) {
        Map<String, float[]> out = new HashMap<>();
        try (NDManager m = model.newManager()) {
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray pooled =
                        summaryPass
                                ? SummaryPass.pooled(model, m, texts(), 1, summaryLinear())
                                : reference(m, texts(), 1);
                NDArray target = m.create(new float[] {1f, -2f, 0.5f, 3f}).reshape(4, 1);
                gc.backward(pooled.mul(pooled).mul(target).sum());
            }
            for (var e : LORA.entrySet()) {
                for (int p = 0; p < 2; p++) {
                    NDArray g = e.getValue()[p].getGradient();
                    out.put(e.getKey() + (p == 0 ? ".a" : ".b"), g.toFloatArray());
                    g.muli(0f); // gradients accumulate across backward calls
                    g.close();
                }
            }
        }
        return out;
    }
}
