package dev.gemrag.model.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import dev.gemrag.model.llama.compiled.MultiTokenFormat;
import dev.gemrag.model.llama.compiled.WeightFormat;
import dev.gemrag.model.testing.TinyLlama;
import dev.gemrag.model.testing.TinyVocab;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The padded batch score against a plain computation: each context + continuation alone, unpadded,
 * through the eager forward and head, then log-softmax and the mean over the continuation in plain
 * Java.
 */
class ContinuationScorerTest {
    private static final LlamaConfig CONFIG =
            new LlamaConfig(
                    "llama",
                    TinyVocab.SIZE,
                    32,
                    64,
                    2,
                    4,
                    2,
                    8,
                    1e-5f,
                    10000f,
                    128,
                    true,
                    false,
                    RopeLayout.HALF_SPLIT);

    private static final List<int[]> CONTEXTS =
            List.of(new int[] {5, 9, 14, 3, 22, 7}, new int[] {11}, new int[] {4, 8, 30});
    private static final int[] CONTINUATION = {17, 2, 25};

    @Test
    void leftPaddedBatchMatchesEachRowAloneInPlainJava() {
        try (LlamaModel model =
                LlamaModel.create(CONFIG, TinyLlama.random(3, CONFIG).weights(), Device.cpu())) {
            double[] batch =
                    new ContinuationScorer(model, null).meanLogProb(CONTEXTS, CONTINUATION);
            for (int r = 0; r < CONTEXTS.size(); r++) {
                assertThat(batch[r])
                        .as("row %d", r)
                        .isCloseTo(
                                plainMeanLogProb(model, CONTEXTS.get(r), CONTINUATION),
                                within(1e-4));
            }
            // different contexts make the continuation differently likely: the scores tell them
            // apart
            assertThat(batch[0]).isNotCloseTo(batch[1], within(1e-3));
        }
    }

    @Test
    void compiledForwardScoresLikeTheEagerOne() {
        try (LlamaModel model =
                        LlamaModel.create(
                                CONFIG, TinyLlama.random(4, CONFIG).weights(), Device.cpu());
                CompiledDecoder compiled = CompiledDecoder.create(model, WeightFormat.FP32)) {
            double[] eager =
                    new ContinuationScorer(model, null).meanLogProb(CONTEXTS, CONTINUATION);
            double[] fast =
                    new ContinuationScorer(model, compiled).meanLogProb(CONTEXTS, CONTINUATION);
            for (int r = 0; r < eager.length; r++) {
                assertThat(fast[r]).isCloseTo(eager[r], within(1e-4));
            }
        }
    }

    /**
     * Scoring runs on the BF16 multi-token weights when the decoder has them (FP32 released): close
     * to the eager FP32 scores, not equal (a fallback to FP32 weights would be).
     */
    @Test
    void bf16MultiTokenScoresStayCloseToTheEagerOnes() {
        try (LlamaModel model =
                        LlamaModel.create(
                                CONFIG, TinyLlama.random(4, CONFIG).weights(), Device.cpu());
                LlamaModel lean =
                        LlamaModel.create(
                                CONFIG, TinyLlama.random(4, CONFIG).weights(), Device.cpu());
                CompiledDecoder compiled =
                        CompiledDecoder.create(lean, WeightFormat.FP16, MultiTokenFormat.BF16)) {
            double[] eager =
                    new ContinuationScorer(model, null).meanLogProb(CONTEXTS, CONTINUATION);
            double[] bf16 =
                    new ContinuationScorer(lean, compiled).meanLogProb(CONTEXTS, CONTINUATION);
            double worst = 0;
            for (int r = 0; r < eager.length; r++) {
                assertThat(bf16[r]).isCloseTo(eager[r], within(2e-2 * Math.abs(eager[r])));
                worst = Math.max(worst, Math.abs(bf16[r] - eager[r]));
            }
            assertThat(worst).as("BF16 is not FP32").isGreaterThan(1e-6);
        }
    }

    @Test
    void refusesEmptyInputs() {
        try (LlamaModel model =
                LlamaModel.create(CONFIG, TinyLlama.random(3, CONFIG).weights(), Device.cpu())) {
            ContinuationScorer s = new ContinuationScorer(model, null);
            assertThat(s.meanLogProb(List.of(), CONTINUATION)).isEmpty();
            assertThatThrownBy(() -> s.meanLogProb(CONTEXTS, new int[0]))
                    .hasMessageContaining("continuation");
            assertThatThrownBy(() -> s.meanLogProb(List.of(new int[0]), CONTINUATION))
                    .hasMessageContaining("context");
        }
    }

    /** One unpadded row: logits at every position from the eager model, the rest by hand. */
    private static double plainMeanLogProb(LlamaModel model, int[] context, int[] continuation) {
        int t = context.length + continuation.length;
        long[] ids = new long[t];
        long[] pos = new long[t];
        for (int i = 0; i < t; i++) {
            ids[i] = i < context.length ? context[i] : continuation[i - context.length];
            pos[i] = i;
        }
        try (NDManager m = model.newManager()) {
            NDArray hidden =
                    model.forward(
                            m.create(ids, new Shape(1, t)),
                            m.create(pos, new Shape(1, t)),
                            AttentionMasks.causal(m, 1, t, 0, null),
                            null);
            float[] logits = model.logits(hidden).toFloatArray(); // {1, t, vocab}
            int v = CONFIG.vocabSize();
            double sum = 0;
            for (int j = 0; j < continuation.length; j++) {
                int row = context.length - 1 + j; // the state before continuation token j
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < v; k++) {
                    max = Math.max(max, logits[row * v + k]);
                }
                double z = 0;
                for (int k = 0; k < v; k++) {
                    z += Math.exp(logits[row * v + k] - max);
                }
                sum += logits[row * v + continuation[j]] - max - Math.log(z);
            }
            return sum / continuation.length;
        }
    }
}
