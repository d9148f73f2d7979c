package dev.gemrag.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * {@link GemLosses#infoNce} against a plain-Java computation (value and gradient by finite
 * differences).
 */
class InfoNceTest {

    /** -mean_i log( exp(s cos(q_i, d_i)) / sum_j exp(s cos(q_i, d_j)) ), in doubles. */
    static double plain(float[][] q, float[][] d, double scale) {
        double total = 0;
        for (int i = 0; i < q.length; i++) {
            double[] logits = new double[d.length];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < d.length; j++) {
                logits[j] = scale * cos(q[i], d[j]);
                max = Math.max(max, logits[j]);
            }
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l - max);
            }
            total += -(logits[i] - max - Math.log(sum));
        }
        return total / q.length;
    }

    static double cos(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void handComputedTwoByTwo() {
        // q0 = d0 and q1 = d1 orthogonal, scale 1: loss = -log(e / (e + 1)) for both rows
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray q = m.create(new float[] {1, 0, 0, 2}, new Shape(2, 2));
            NDArray d = m.create(new float[] {3, 0, 0, 1}, new Shape(2, 2));
            double want = -Math.log(Math.E / (Math.E + 1));
            assertThat(GemLosses.infoNce(q, d, m.create(1f)).getFloat())
                    .isCloseTo((float) want, Offset.offset(1e-6f));
        }
    }

    @Test
    void valueAndGradientMatchPlainJavaWithHardNegatives() {
        Random r = new Random(3);
        float[][] q = GradientCheck.random(r, 3, 5);
        float[][] d = GradientCheck.random(r, 5, 5); // 3 positives + 2 hard negatives
        double scale = 7;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray qa = m.create(GradientCheck.flat(q), new Shape(3, 5));
            NDArray da = m.create(GradientCheck.flat(d), new Shape(5, 5));
            qa.setRequiresGradient(true);
            float loss;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray l = GemLosses.infoNce(qa, da, m.create((float) scale));
                loss = l.getFloat();
                gc.backward(l);
            }
            assertThat(loss).isCloseTo((float) plain(q, d, scale), Offset.offset(1e-5f));
            float[] grad = qa.getGradient().toFloatArray();
            GradientCheck.assertGradient("dL/dq", q, grad, () -> plain(q, d, scale));
        }
    }

    @Test
    void fewerDocumentsThanQueriesIsRefused() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertThatThrownBy(
                            () ->
                                    GemLosses.infoNce(
                                            m.ones(new Shape(3, 2)),
                                            m.ones(new Shape(2, 2)),
                                            m.create(1f)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("one document per query");
        }
    }
}
