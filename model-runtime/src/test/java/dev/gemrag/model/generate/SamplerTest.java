package dev.gemrag.model.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SamplerTest {
    @Test
    void temperatureZeroIsArgmaxWithLowestIdOnTies() {
        Sampler s = new Sampler(0f, 0.5f, 1);
        assertThat(s.sample(new float[] {0.1f, 3f, -2f, 3f})).isEqualTo(1);
        assertThat(s.sample(new float[] {-5f, -4f, -6f})).isEqualTo(1);
    }

    /**
     * Greedy rows are picked on the host: the same ids as libtorch's argmax, ties to the lowest.
     */
    @Test
    void argMaxRowsIsEachRowsArgmaxLikeTheDevicesWithLowestIdOnTies() {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            float[] v = new float[3 * 1000];
            java.util.Random r = new java.util.Random(3);
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
            }
            v[1000 + 17] = 9f;
            v[1000 + 900] = 9f; // a tie in row 1: the lower id wins
            v[2 * 1000 + 999] = 12f; // row 2's last id
            ai.djl.ndarray.NDArray logits = m.create(v, new ai.djl.ndarray.types.Shape(3, 1000));
            long[] device = logits.argMax(-1).toLongArray();
            int[] host = Sampler.argMaxRows(logits);
            assertThat(host[1]).isEqualTo(17);
            assertThat(host[2]).isEqualTo(999);
            assertThat(java.util.Arrays.stream(host).asLongStream().toArray())
                    .containsExactly(device);
        }
    }

    /**
     * Sampled rows read the logits through one reused host array: a smaller batch after a larger
     * one sees only its own rows, and a transposed (non-contiguous) tensor reads as laid out.
     */
    @Test
    void sampleRowsReadsEachCallsOwnLogitsThroughTheReusedBuffer() {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            java.util.List<Sampler> two =
                    java.util.List.of(
                            new Sampler(0f, 1f, 1, 0, 0f, java.util.List.of(new NoRepeatNgram(2))),
                            new Sampler(0f, 1f, 2, 0, 0f, java.util.List.of(new NoRepeatNgram(2))));
            ai.djl.ndarray.NDArray big =
                    m.create(
                            new float[] {0f, 5f, 1f, 7f, 0f, 2f},
                            new ai.djl.ndarray.types.Shape(2, 3));
            assertThat(Sampler.sampleRows(big, two, r -> new int[0])).containsExactly(1, 0);
            ai.djl.ndarray.NDArray small =
                    m.create(new float[] {3f, 0f, 1f}, new ai.djl.ndarray.types.Shape(1, 3));
            assertThat(Sampler.sampleRows(small, two.subList(0, 1), r -> new int[0]))
                    .containsExactly(0);
            // {3, 2} transposed: rows (0, 1, 9) and (4, 8, 2)
            ai.djl.ndarray.NDArray t =
                    m.create(
                                    new float[] {0f, 4f, 1f, 8f, 9f, 2f},
                                    new ai.djl.ndarray.types.Shape(3, 2))
                            .transpose();
            assertThat(Sampler.sampleRows(t, two, r -> new int[0])).containsExactly(2, 1);
            assertThat(Sampler.argMaxRows(t)).containsExactly(2, 1);
        }
    }

    @Test
    void nucleusIsSmallestSetReachingP() {
        double[] p = {0.15, 0.5, 0.05, 0.3};
        assertThat(Sampler.nucleus(p, 0.5f)).containsExactly(1);
        assertThat(Sampler.nucleus(p, 0.8f)).containsExactly(1, 3);
        assertThat(Sampler.nucleus(p, 0.81f)).containsExactly(1, 3, 0);
        assertThat(Sampler.nucleus(p, 0.99f)).containsExactly(1, 3, 0, 2);
    }

    @Test
    void nucleusOverAFlatTailStillFindsAllMembers() {
        // 1000 equally likely ids below the first sorting threshold: the threshold must keep
        // dropping
        double[] p = new double[1000];
        java.util.Arrays.fill(p, 1e-3);
        assertThat(Sampler.nucleus(p, 0.5f)).hasSize(500).startsWith(0, 1, 2);
    }

    @Test
    void drawsFollowTemperatureSoftmax() {
        float[] logits = {(float) Math.log(0.2), (float) Math.log(0.8)};
        Sampler s = new Sampler(1f, 1f, 42);
        int ones = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            ones += s.sample(logits);
        }
        assertThat(ones / (double) n).isCloseTo(0.8, within(0.015));
        // temperature 2 flattens: p ∝ sqrt(0.2), sqrt(0.8) -> 0.667 for id 1
        Sampler hot = new Sampler(2f, 1f, 42);
        ones = 0;
        for (int i = 0; i < n; i++) {
            ones += hot.sample(logits);
        }
        assertThat(ones / (double) n).isCloseTo(2.0 / 3.0, within(0.015));
    }

    @Test
    void topPRenormalisesWithinTheNucleus() {
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
        Sampler s = new Sampler(1f, 0.7f, 7);
        int[] counts = new int[3];
        int n = 20000;
        for (int i = 0; i < n; i++) {
            counts[s.sample(logits)]++;
        }
        assertThat(counts[2]).isZero();
        assertThat(counts[0] / (double) n).isCloseTo(0.625, within(0.015));
    }

    @Test
    void sameSeedSameDraws() {
        float[] logits = new float[50];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.sin(i);
        }
        Sampler a = new Sampler(0.8f, 0.9f, 123);
        Sampler b = new Sampler(0.8f, 0.9f, 123);
        int[] da = new int[40];
        int[] db = new int[40];
        for (int i = 0; i < 40; i++) {
            da[i] = a.sample(logits);
            db[i] = b.sample(logits);
        }
        assertThat(da).containsExactly(db);
        assertThat(java.util.Arrays.stream(da).distinct().count()).isGreaterThan(3);
    }
}
