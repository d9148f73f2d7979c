package dev.gemrag.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * {@link TeacherTargets} and {@link GemLosses#distill} against hand-computed values and a
 * plain-Java KL divergence (value, and gradient by finite differences).
 */
class DistillationLossTest {

    /**
     * KL(p || softmax(scale * cos(q_i, d_j))) averaged over rows, in doubles; p row-major B x N.
     */
    static double plainKl(float[][] q, float[][] d, double scale, float[] p) {
        int n = d.length;
        double total = 0;
        for (int i = 0; i < q.length; i++) {
            double[] logits = new double[n];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                logits[j] = scale * InfoNceTest.cos(q[i], d[j]);
                max = Math.max(max, logits[j]);
            }
            double z = 0;
            for (double l : logits) {
                z += Math.exp(l - max);
            }
            for (int j = 0; j < n; j++) {
                double logq = logits[j] - max - Math.log(z);
                double pij = p[i * n + j];
                if (pij > 0) {
                    total += pij * (Math.log(pij) - logq);
                }
            }
        }
        return total / q.length;
    }

    private static float[][] unitRows(float[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = dev.gemrag.model.gem.PoolingWeights.normalize(a[i].clone());
        }
        return out;
    }

    @Test
    void teacherTargetsByHand() {
        // one query, two documents: cos 1 and 0 at temperature 1 -> (e, 1) / (e + 1); a second
        // teacher that
        // sees both documents alike gives (1/2, 1/2); the target is the mean of the two
        // distributions
        float[][] q = {{1, 0}};
        float[][] d = {{1, 0}, {0, 1}};
        float[][] flatQ = {{0, 1}};
        float[][] flatD = {{0.6f, 0.8f}, {-0.6f, 0.8f}};
        float[] one = TeacherTargets.of(List.<float[][]>of(q), List.<float[][]>of(d), 1f);
        assertThat(one[0]).isCloseTo((float) (Math.E / (Math.E + 1)), Offset.offset(1e-6f));
        assertThat(one[1]).isCloseTo((float) (1 / (Math.E + 1)), Offset.offset(1e-6f));
        float[] two = TeacherTargets.of(List.of(q, flatQ), List.of(d, flatD), 1f);
        assertThat(two[0])
                .isCloseTo((float) ((Math.E / (Math.E + 1) + 0.5) / 2), Offset.offset(1e-6f));
        assertThat(two[0] + two[1]).isCloseTo(1f, Offset.offset(1e-6f));
        // a lower temperature sharpens: cos 1 vs 0 at 0.1 -> e^10 / (e^10 + 1)
        assertThat(TeacherTargets.of(List.<float[][]>of(q), List.<float[][]>of(d), 0.1f)[0])
                .isCloseTo((float) (Math.exp(10) / (Math.exp(10) + 1)), Offset.offset(1e-6f));
    }

    @Test
    void klByHand() {
        // student query orthogonal to both documents: q = (1/2, 1/2); teacher p = (e, 1) / (e + 1)
        double p0 = Math.E / (Math.E + 1);
        double p1 = 1 / (Math.E + 1);
        double want = p0 * Math.log(p0 / 0.5) + p1 * Math.log(p1 / 0.5);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray q = m.create(new float[] {0, 0, 2}, new Shape(1, 3));
            NDArray d = m.create(new float[] {1, 0, 0, 0, 3, 0}, new Shape(2, 3));
            NDArray p = m.create(new float[] {(float) p0, (float) p1}, new Shape(1, 2));
            assertThat(GemLosses.distill(q, d, m.create(20f), p).getFloat())
                    .isCloseTo((float) want, Offset.offset(1e-6f));
            // the student equal to the teacher (same cosines, scale = 1 / temperature): KL 0
            NDArray same = m.create(new float[] {1, 0, 0}, new Shape(1, 3));
            assertThat(GemLosses.distill(same, d, m.create(1f), p).getFloat())
                    .isCloseTo(0f, Offset.offset(1e-6f));
        }
    }

    @Test
    void valueAndGradientMatchPlainJavaWithHardNegatives() {
        Random r = new Random(11);
        float[][] q = GradientCheck.random(r, 3, 5);
        float[][] d = GradientCheck.random(r, 5, 5); // 3 positives + 2 hard negatives
        float[] p =
                TeacherTargets.of(
                        List.of(
                                unitRows(GradientCheck.random(r, 3, 4)),
                                unitRows(GradientCheck.random(r, 3, 6))),
                        List.of(
                                unitRows(GradientCheck.random(r, 5, 4)),
                                unitRows(GradientCheck.random(r, 5, 6))),
                        0.05f);
        double scale = 9;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray qa = m.create(GradientCheck.flat(q), new Shape(3, 5));
            NDArray da = m.create(GradientCheck.flat(d), new Shape(5, 5));
            qa.setRequiresGradient(true);
            da.setRequiresGradient(true);
            float loss;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray l =
                        GemLosses.distill(
                                qa, da, m.create((float) scale), m.create(p, new Shape(3, 5)));
                loss = l.getFloat();
                gc.backward(l);
            }
            assertThat(loss).isCloseTo((float) plainKl(q, d, scale, p), Offset.offset(1e-5f));
            float[] gq = qa.getGradient().toFloatArray();
            float[] gd = da.getGradient().toFloatArray();
            GradientCheck.assertGradient("dL/dq", q, gq, () -> plainKl(q, d, scale, p));
            GradientCheck.assertGradient("dL/dd", d, gd, () -> plainKl(q, d, scale, p));
        }
    }

    @Test
    void mismatchedShapesAndSettingsAreRefused() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertThatThrownBy(
                            () ->
                                    GemLosses.distill(
                                            m.ones(new Shape(2, 3)),
                                            m.ones(new Shape(4, 3)),
                                            m.create(1f),
                                            m.ones(new Shape(2, 3))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2 queries x 4");
        }
        assertThatThrownBy(
                        () -> TeacherTargets.of(List.<float[][]>of(new float[1][2]), List.of(), 1f))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Distillation(List.of(), 0.5f, 0.05f, null))
                .hasMessageContaining("needs --teachers");
        assertThatThrownBy(
                        () ->
                                new Distillation(
                                        List.of("e5"), 0.5f, 0.05f, java.nio.file.Path.of("x")))
                .hasMessageContaining("unknown teacher 'e5'");
        assertThatThrownBy(
                        () ->
                                new Distillation(
                                        List.of("minilm"), 1.5f, 0.05f, java.nio.file.Path.of("x")))
                .hasMessageContaining("[0, 1]");
    }
}
