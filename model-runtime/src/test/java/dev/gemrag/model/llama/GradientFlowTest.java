package dev.gemrag.model.llama;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.RopeLayout;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Autograd through the forward (with a GEM-style mask) agrees with central finite differences for a
 * LoRA-like pair plugged in through {@link LinearWeights} and for a trainable extra embedding row.
 */
class GradientFlowTest {
    private static final int RANK = 2;

    @Test
    void loraAndExtraRowGradientsMatchFiniteDifferences() {
        LlamaConfig c = TinyLlama.config(RopeLayout.INTERLEAVED, true);
        LlamaWeights w = TinyLlama.weights(c, 21);
        Random r = new Random(4);
        int h = c.hiddenSize();
        int qOut = c.numHeads() * c.headDim();
        float[] a = gaussian(r, RANK * h, 0.1f);
        float[] b = gaussian(r, qOut * RANK, 0.1f);
        float[] extra = gaussian(r, h, 1f);
        int n = 8;
        int[] ids = LlamaModelTest.randomIds(r, n, c.vocabSize());
        ids[5] = c.vocabSize(); // one summary token
        float[] probe = gaussian(r, n * c.vocabSize(), 1f);
        String target = LlamaWeights.layer(0, "wq");

        try (LlamaModel model = LlamaModel.create(c, w, Device.cpu());
                NDManager m = model.newManager()) {
            NDArray aArr = m.create(a, new Shape(RANK, h));
            NDArray bArr = m.create(b, new Shape(qOut, RANK));
            NDArray extraArr = m.create(extra, new Shape(1, h));
            aArr.setRequiresGradient(true);
            extraArr.setRequiresGradient(true);
            LinearWeights base = model.baseLinear();
            NDArray[] loraA = {aArr};
            NDArray[] extraRow = {extraArr};
            model.setLinear(
                    (name, x) -> {
                        NDArray y = base.apply(name, x);
                        if (!name.equals(target)) {
                            return y;
                        }
                        return y.add(
                                x.matMul(loraA[0].transpose()).matMul(bArr.transpose()).mul(2f));
                    });
            // suffix after the summary does not see the prefix: the gradient must flow through the
            // summary row
            NDArray mask =
                    AttentionMasks.of(m, 1, n, n, (row, t, s) -> s <= t && !(t > 5 && s < 5));
            ToDoubleFunction<Void> loss =
                    unused -> {
                        try (NDManager s = m.newSubManager()) {
                            model.setExtraEmbeddings(extraRow[0]);
                            NDArray hidden =
                                    model.forward(
                                            LlamaModelTest.ids(s, ids),
                                            LlamaModelTest.ids(s, LlamaModelTest.range(0, n)),
                                            mask,
                                            null);
                            return model.logits(hidden)
                                    .mul(s.create(probe, new Shape(1, n, c.vocabSize())))
                                    .sum()
                                    .getFloat();
                        }
                    };

            float[] gradA;
            float[] gradExtra;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector();
                    NDManager s = m.newSubManager()) {
                model.setExtraEmbeddings(extraArr);
                NDArray hidden =
                        model.forward(
                                LlamaModelTest.ids(s, ids),
                                LlamaModelTest.ids(s, LlamaModelTest.range(0, n)),
                                mask,
                                null);
                NDArray l =
                        model.logits(hidden)
                                .mul(s.create(probe, new Shape(1, n, c.vocabSize())))
                                .sum();
                gc.backward(l);
                gradA = aArr.getGradient().toFloatArray();
                gradExtra = extraArr.getGradient().toFloatArray();
            }
            assertThat(maxAbs(gradA)).isGreaterThan(1e-3f);
            assertThat(maxAbs(gradExtra)).isGreaterThan(1e-3f);

            float eps = 1e-2f;
            for (int idx : new int[] {0, 17, 70, 127}) {
                double fd =
                        centralDifference(
                                a,
                                idx,
                                eps,
                                values -> {
                                    loraA[0] = m.create(values, new Shape(RANK, h));
                                    return loss.applyAsDouble(null);
                                });
                assertThat(gradA[idx])
                        .as("dL/dA[%d]", idx)
                        .isCloseTo(
                                (float) fd,
                                org.assertj.core.data.Offset.offset(
                                        (float) (5e-3 * Math.max(1, Math.abs(fd)))));
            }
            loraA[0] = aArr;
            for (int idx : new int[] {0, 31, 63}) {
                double fd =
                        centralDifference(
                                extra,
                                idx,
                                eps,
                                values -> {
                                    extraRow[0] = m.create(values, new Shape(1, h));
                                    return loss.applyAsDouble(null);
                                });
                assertThat(gradExtra[idx])
                        .as("dL/dExtra[%d]", idx)
                        .isCloseTo(
                                (float) fd,
                                org.assertj.core.data.Offset.offset(
                                        (float) (5e-3 * Math.max(1, Math.abs(fd)))));
            }
        }
    }

    private static double centralDifference(
            float[] values, int idx, float eps, ToDoubleFunction<float[]> f) {
        float[] plus = values.clone();
        plus[idx] += eps;
        float[] minus = values.clone();
        minus[idx] -= eps;
        return (f.applyAsDouble(plus) - f.applyAsDouble(minus)) / (2 * eps);
    }

    private static float[] gaussian(Random r, int n, float std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = std * (float) r.nextGaussian();
        }
        return out;
    }

    private static float maxAbs(float[] v) {
        float m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }
}
