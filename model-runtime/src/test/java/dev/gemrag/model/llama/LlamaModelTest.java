package dev.gemrag.model.llama;

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
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The DJL forward against the plain-Java {@link ReferenceLlama} on tiny random weights. */
class LlamaModelTest {
    static final float TOL = 1e-4f;

    @ParameterizedTest
    @EnumSource(RopeLayout.class)
    void causalLogitsMatchReference(RopeLayout layout) {
        for (boolean tied : new boolean[] {true, false}) {
            LlamaConfig c = TinyLlama.config(layout, tied);
            LlamaWeights w = TinyLlama.weights(c, 7);
            int[] ids = randomIds(new Random(1), 12, c.vocabSize());
            int[] pos = range(0, ids.length);
            float[][] expected =
                    new ReferenceLlama(c, w, null)
                            .logits(ids, pos, ReferenceLlama.causal(ids.length));
            try (LlamaModel model = LlamaModel.create(c, w, Device.cpu());
                    NDManager m = model.newManager()) {
                NDArray hidden =
                        model.forward(
                                ids(m, ids),
                                ids(m, pos),
                                AttentionMasks.causal(m, 1, ids.length, 0, null),
                                null);
                assertThat(hidden.getShape()).isEqualTo(new Shape(1, ids.length, c.hiddenSize()));
                assertClose(model.logits(hidden).toFloatArray(), expected);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RopeLayout.class)
    void gemMaskWithSummaryRowsMatchesReference(RopeLayout layout) {
        LlamaConfig c = TinyLlama.config(layout, true);
        LlamaWeights w = TinyLlama.weights(c, 11);
        Random r = new Random(3);
        float[][] extra = new float[2][c.hiddenSize()];
        for (float[] row : extra) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        // prefix(5) + 2 summary tokens + suffix(4): summaries do not see each other, suffix does
        // not see prefix
        int prefix = 5;
        int k = 2;
        int[] ids = randomIds(r, prefix + k + 4, c.vocabSize());
        ids[prefix] = c.vocabSize();
        ids[prefix + 1] = c.vocabSize() + 1;
        int n = ids.length;
        boolean[][] allowed = new boolean[n][n];
        for (int t = 0; t < n; t++) {
            for (int s = 0; s <= t; s++) {
                boolean summaryPair =
                        t >= prefix && t < prefix + k && s >= prefix && s < prefix + k && s != t;
                boolean suffixToPrefix = t >= prefix + k && s < prefix;
                allowed[t][s] = !summaryPair && !suffixToPrefix;
            }
        }
        int[] pos = range(0, n);
        float[][] expected = new ReferenceLlama(c, w, extra).logits(ids, pos, allowed);
        try (LlamaModel model = LlamaModel.create(c, w, Device.cpu());
                NDManager m = model.newManager()) {
            model.setExtraEmbeddings(extra);
            assertThat(model.extraTokens()).isEqualTo(2);
            NDArray mask = AttentionMasks.of(m, 1, n, n, (b, t, s) -> allowed[t][s]);
            NDArray hidden = model.forward(ids(m, ids), ids(m, pos), mask, null);
            assertClose(model.logits(hidden).toFloatArray(), expected);
            // the causal result differs: the mask really is used
            NDArray causal =
                    model.forward(
                            ids(m, ids),
                            ids(m, pos),
                            AttentionMasks.causal(m, 1, n, 0, null),
                            null);
            float[] diff =
                    model.logits(causal).sub(model.logits(hidden)).abs().max().toFloatArray();
            assertThat(diff[0]).isGreaterThan(1e-2f);
        }
    }

    @Test
    void attentionBiasAndBatchedRowsWithOffsetPositions() {
        LlamaConfig base = TinyLlama.config(RopeLayout.HALF_SPLIT, false);
        LlamaConfig c =
                new LlamaConfig(
                        "qwen2",
                        base.vocabSize(),
                        base.hiddenSize(),
                        base.intermediateSize(),
                        base.numLayers(),
                        base.numHeads(),
                        base.numKvHeads(),
                        base.headDim(),
                        base.rmsNormEps(),
                        base.ropeTheta(),
                        base.maxPositions(),
                        false,
                        true,
                        RopeLayout.HALF_SPLIT);
        LlamaWeights w = TinyLlama.weights(c, 5);
        Random r = new Random(9);
        int n = 7;
        int[] a = randomIds(r, n, c.vocabSize());
        int[] b = randomIds(r, n, c.vocabSize());
        int[] posA = range(0, n);
        int[] posB = range(40, n); // positions need not start at 0
        ReferenceLlama ref = new ReferenceLlama(c, w, null);
        float[][] expA = ref.logits(a, posA, ReferenceLlama.causal(n));
        float[][] expB = ref.logits(b, posB, ReferenceLlama.causal(n));
        try (LlamaModel model = LlamaModel.create(c, w, Device.cpu());
                NDManager m = model.newManager()) {
            NDArray ids = m.create(concat(a, b), new Shape(2, n));
            NDArray pos = m.create(concat(posA, posB), new Shape(2, n));
            NDArray hidden = model.forward(ids, pos, AttentionMasks.causal(m, 2, n, 0, null), null);
            float[] all = model.logits(hidden).toFloatArray();
            int half = n * c.vocabSize();
            assertClose(java.util.Arrays.copyOfRange(all, 0, half), expA);
            assertClose(java.util.Arrays.copyOfRange(all, half, 2 * half), expB);
            float[] at = model.logitsAt(hidden, new int[] {n - 1, 2}).toFloatArray();
            assertClose(
                    java.util.Arrays.copyOfRange(at, 0, c.vocabSize()),
                    new float[][] {expA[n - 1]});
            assertClose(
                    java.util.Arrays.copyOfRange(at, c.vocabSize(), 2 * c.vocabSize()),
                    new float[][] {expB[2]});
        }
    }

    @Test
    void forwardFreesItsTemporaries() {
        LlamaConfig c = TinyLlama.config(RopeLayout.INTERLEAVED, true);
        try (LlamaModel model = LlamaModel.create(c, TinyLlama.weights(c, 1), Device.cpu())) {
            int[] ids = randomIds(new Random(2), 9, c.vocabSize());
            try (NDManager m = model.newManager();
                    KvCache cache = model.newCache(1, 16)) {
                NDArray in = ids(m, ids);
                NDArray pos = ids(m, range(0, 9));
                NDArray mask = AttentionMasks.causal(m, 1, 9, 0, null);
                int before = m.getManagedArrays().size();
                NDArray h = model.forward(in, pos, mask, cache);
                model.logitsAt(h, new int[] {8});
                // exactly the two results were added to the caller's manager
                assertThat(m.getManagedArrays().size()).isEqualTo(before + 2);
                assertThat(cache.length()).isEqualTo(9);
            }
        }
    }

    @Test
    void badInputsAreNamed() {
        LlamaConfig c = TinyLlama.config(RopeLayout.INTERLEAVED, true);
        try (LlamaModel model = LlamaModel.create(c, TinyLlama.weights(c, 1), Device.cpu());
                NDManager m = model.newManager()) {
            NDArray ids = ids(m, new int[] {1, 2, 3});
            assertThatThrownBy(
                            () ->
                                    model.forward(
                                            ids,
                                            ids(m, new int[] {0, 1}),
                                            AttentionMasks.causal(m, 1, 3, 0, null),
                                            null))
                    .hasMessageContaining("positions");
            assertThatThrownBy(
                            () ->
                                    model.forward(
                                            ids,
                                            ids(m, new int[] {0, 1, 2}),
                                            AttentionMasks.causal(m, 1, 2, 0, null),
                                            null))
                    .hasMessageContaining("attention mask");
            assertThatThrownBy(() -> model.setExtraEmbeddings(new float[][] {new float[3]}))
                    .hasMessageContaining("hidden size is 64");
        }
    }

    /**
     * The rows a compiled call gathers: from the FP32 table while the model holds it, from the
     * checkpoint after {@link LlamaModel#releaseTokenTables} - the same values bitwise, and equal
     * to the checkpoint's rows; ids past the vocabulary (GEM summary tokens) get the last row, ids
     * past the extra rows are refused. The eager forward and head refuse once the tables are gone.
     */
    @Test
    void embeddingRowsAreTheTableRowsBeforeAndAfterTheTablesAreReleased() {
        for (boolean tied : new boolean[] {true, false}) {
            LlamaConfig c = TinyLlama.config(RopeLayout.INTERLEAVED, tied);
            LlamaWeights w = TinyLlama.weights(c, 5);
            int v = c.vocabSize();
            int h = c.hiddenSize();
            int[] ids = {3, v - 1, 0, v, v + 1, 17};
            float[] table = w.get("token_embd").data();
            float[] expected = new float[ids.length * h];
            for (int i = 0; i < ids.length; i++) {
                System.arraycopy(table, Math.min(ids[i], v - 1) * h, expected, i * h, h);
            }
            try (LlamaModel model = LlamaModel.create(c, w, Device.cpu());
                    NDManager m = model.newManager()) {
                model.setExtraEmbeddings(new float[2][h]); // ids v and v + 1
                NDArray idArray = m.create(ids).reshape(2, 3).toType(DataType.INT64, false);
                NDArray pastExtras = m.create(new long[] {v + 2}, new Shape(1, 1));
                assertThatThrownBy(() -> model.embeddingRows(pastExtras, m))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("token id " + (v + 2) + " is outside");
                NDArray fromTable = model.embeddingRows(idArray, m);
                assertThat(fromTable.getShape()).isEqualTo(new Shape(2, 3, h));
                assertThat(fromTable.toFloatArray()).containsExactly(expected);
                model.releaseTokenTables();
                assertThat(model.embeddingRows(idArray, m).toFloatArray())
                        .containsExactly(expected);
                assertThatThrownBy(model::tokenEmbedding)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("were released");
                NDArray hidden = m.zeros(new Shape(1, 1, h));
                assertThatThrownBy(() -> model.logits(hidden))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("were released");
            }
        }
    }

    static NDArray ids(NDManager m, int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return m.create(l, new Shape(1, ids.length));
    }

    static int[] randomIds(Random r, int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(vocab);
        }
        return ids;
    }

    static int[] range(int from, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = from + i;
        }
        return p;
    }

    static long[] concat(int[] a, int[] b) {
        long[] out = new long[a.length + b.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        for (int i = 0; i < b.length; i++) {
            out[a.length + i] = b[i];
        }
        return out;
    }

    static void assertClose(float[] actual, float[][] expected) {
        int v = expected[0].length;
        assertThat(actual).hasSize(expected.length * v);
        float worst = 0;
        for (int t = 0; t < expected.length; t++) {
            for (int i = 0; i < v; i++) {
                worst = Math.max(worst, Math.abs(actual[t * v + i] - expected[t][i]));
            }
        }
        assertThat(worst).as("max |djl - reference|").isLessThan(TOL);
    }
}
