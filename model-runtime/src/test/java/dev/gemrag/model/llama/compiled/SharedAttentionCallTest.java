package dev.gemrag.model.llama.compiled;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.KvCache;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.TorchRuntime;
import dev.gemrag.model.testing.TinyLlama;
import dev.gemrag.model.testing.TinyVocab;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Decode-step rows that start at the same cache slot share one attention call ({@link
 * CompiledDecoder#rowGroups}) and still get the bits of a call of their own, on the default model's
 * attention shapes (9 query heads, 3 K/V heads of 64) with random weights, one layer, at every key
 * length from 5 to 164. It holds because the test runners set {@code MKL_CBWR=AUTO,STRICT}: without
 * it (2 threads) the shared call differed at most lengths by up to ~1e-7 in the attention output
 * and this test fails.
 */
class SharedAttentionCallTest {
    private static final int ROWS = 8;
    private static final int PROMPT = 4;
    private static final int STEPS = 160;

    @Test
    void rowGroupsAreRunsOfAdjacentRowsWithTheSameFirstSlot() {
        assertThat(CompiledDecoder.rowGroups(new int[] {0, 0, 3, 3, 3, 0}, true))
                .containsExactly(0, 2, 0, 2, 5, 3, 5, 6, 0);
        assertThat(CompiledDecoder.rowGroups(new int[] {0, 0, 3}, false))
                .containsExactly(0, 1, 0, 1, 2, 0, 2, 3, 3);
    }

    @Test
    void rowsSharingACallGetTheBitsOfOneCallPerRow() {
        assertThat(TorchRuntime.mklReproducible())
                .as("the test runner sets MKL_CBWR=AUTO,STRICT")
                .isTrue();
        LlamaConfig c =
                new LlamaConfig(
                        "llama",
                        TinyVocab.SIZE,
                        576,
                        64,
                        1,
                        9,
                        3,
                        64,
                        1e-5f,
                        10000f,
                        PROMPT + STEPS + 1,
                        true,
                        false,
                        RopeLayout.INTERLEAVED);
        TinyLlama tiny = TinyLlama.random(7, c);
        try (LlamaModel model = LlamaModel.create(c, tiny.weights(), Device.cpu());
                CompiledDecoder shared =
                        CompiledDecoder.create(model, WeightFormat.FP32).shareAttentionCalls(true);
                CompiledDecoder own =
                        CompiledDecoder.create(model, WeightFormat.FP32)
                                .shareAttentionCalls(false);
                NDManager m = model.newManager();
                KvCache sharedCache = model.newCache(ROWS, PROMPT + STEPS);
                KvCache ownCache = model.newCache(ROWS, PROMPT + STEPS)) {
            long[] ids = new long[ROWS * PROMPT];
            long[] pos = new long[ROWS * PROMPT];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (7L * i) % c.vocabSize();
                pos[i] = i % PROMPT;
            }
            int[] last = new int[ROWS];
            Arrays.fill(last, PROMPT - 1);
            NDArray mask = AttentionMasks.causal(m, ROWS, PROMPT, 0, null);
            for (KvCache cache : new KvCache[] {sharedCache, ownCache}) {
                shared.logitsAt(
                        m.create(ids, new Shape(ROWS, PROMPT)),
                        m.create(pos, new Shape(ROWS, PROMPT)),
                        mask,
                        cache,
                        last);
            }
            int[] firstSlot = new int[ROWS]; // every row from slot 0: one group of 8
            int differing = 0;
            for (int s = 0; s < STEPS; s++) {
                long[] next = new long[ROWS];
                long[] p = new long[ROWS];
                for (int r = 0; r < ROWS; r++) {
                    next[r] = (31L * s + 5L * r) % c.vocabSize();
                    p[r] = PROMPT + s;
                }
                try (NDManager step = m.newSubManager()) {
                    float[] a =
                            shared.decodeStep(
                                            step.create(next, new Shape(ROWS, 1)),
                                            step.create(p, new Shape(ROWS, 1)),
                                            sharedCache,
                                            firstSlot)
                                    .toFloatArray();
                    float[] b =
                            own.decodeStep(
                                            step.create(next, new Shape(ROWS, 1)),
                                            step.create(p, new Shape(ROWS, 1)),
                                            ownCache,
                                            firstSlot)
                                    .toFloatArray();
                    if (!Arrays.equals(a, b)) {
                        differing++;
                    }
                }
            }
            assertThat(differing).as("steps whose logits differ between the two").isZero();
        }
    }
}
