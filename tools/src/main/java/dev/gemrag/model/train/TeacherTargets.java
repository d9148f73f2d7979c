package dev.gemrag.model.train;

import java.util.List;

/**
 * The distillation target of one batch: per teacher, {@code softmax_j(cos(query_i, doc_j) /
 * temperature)} over the batch's documents (the same in-batch and hard-negative documents the
 * student ranks), then the mean over teachers. Plain Java on the teachers' unit vectors (teachers
 * carry no gradient).
 */
public final class TeacherTargets {
    private TeacherTargets() {}

    /**
     * @param queries per teacher, {@code B} unit query vectors
     * @param docs per teacher, {@code N} unit document vectors
     * @return {@code B x N} row-stochastic matrix, row-major
     */
    public static float[] of(List<float[][]> queries, List<float[][]> docs, float temperature) {
        if (queries.isEmpty() || queries.size() != docs.size()) {
            throw new IllegalArgumentException(
                    "need the same, non-zero number of teachers for queries and documents");
        }
        int b = queries.get(0).length;
        int n = docs.get(0).length;
        double[] sum = new double[b * n];
        for (int t = 0; t < queries.size(); t++) {
            float[][] q = queries.get(t);
            float[][] d = docs.get(t);
            if (q.length != b || d.length != n) {
                throw new IllegalArgumentException(
                        "teacher "
                                + t
                                + " gave "
                                + q.length
                                + " x "
                                + d.length
                                + " vectors, expected "
                                + b
                                + " x "
                                + n);
            }
            for (int i = 0; i < b; i++) {
                double[] logits = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    logits[j] = dot(q[i], d[j]) / temperature;
                    max = Math.max(max, logits[j]);
                }
                double z = 0;
                for (int j = 0; j < n; j++) {
                    logits[j] = Math.exp(logits[j] - max);
                    z += logits[j];
                }
                for (int j = 0; j < n; j++) {
                    sum[i * n + j] += logits[j] / z / queries.size();
                }
            }
        }
        float[] out = new float[b * n];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) sum[i];
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
