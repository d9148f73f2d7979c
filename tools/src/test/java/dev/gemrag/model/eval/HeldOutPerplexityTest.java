package dev.gemrag.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.Pooling;
import dev.gemrag.model.gem.CharTokenizer;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import dev.gemrag.model.gem.TinyCheckpoint;
import dev.gemrag.model.llama.AttentionMasks;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Held-out perplexity on a tiny random Llama against a plain-Java reference: each line's full
 * causal forward alone, log-softmax and the token-weighted mean written out by hand.
 */
class HeldOutPerplexityTest {
    private static final CharTokenizer TOKENIZER =
            new CharTokenizer(TinyCheckpoint.config().vocabSize());
    private static final List<String> LINES =
            List.of("copy files", "x", "route the network packets", "", "list open files now");

    private static GemLanguageModel tiny() {
        return ModelRuntime.fromCheckpoint(
                TinyCheckpoint.random(5, null), null, TOKENIZER, Pooling.MEAN, null);
    }

    @Test
    void matchesTheTokenWeightedMeanOfEachLinesOwnForward() {
        try (GemLanguageModel m = tiny()) {
            HeldOutPerplexity p = HeldOutPerplexity.of(m, LINES);

            double nll = 0;
            long tokens = 0;
            for (String line : LINES) {
                int[] ids = TOKENIZER.encode(line);
                if (ids.length < 2) {
                    continue;
                }
                float[][] logits = forward(m, ids);
                for (int j = 0; j + 1 < ids.length; j++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (float v : logits[j]) {
                        max = Math.max(max, v);
                    }
                    double sum = 0;
                    for (float v : logits[j]) {
                        sum += Math.exp(v - max);
                    }
                    nll += max + Math.log(sum) - logits[j][ids[j + 1]];
                    tokens++;
                }
            }
            assertThat(p.lines()).isEqualTo(3); // "x" and "" have no token to predict
            assertThat(p.tokens()).isEqualTo(tokens);
            // compared in log space, where the sums are
            assertThat(Math.log(p.perplexity())).isCloseTo(nll / tokens, within(1e-4));
        }
    }

    @Test
    void refusesTextWithNothingToPredict() {
        try (GemLanguageModel m = tiny()) {
            assertThatThrownBy(() -> HeldOutPerplexity.of(m, List.of("x", "")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no line has two tokens");
        }
    }

    /** Logits at every position of one unpadded causal forward, as plain arrays. */
    private static float[][] forward(GemLanguageModel m, int[] ids) {
        int t = ids.length;
        long[] idl = new long[t];
        long[] pos = new long[t];
        for (int i = 0; i < t; i++) {
            idl[i] = ids[i];
            pos[i] = i;
        }
        try (NDManager nd = m.llama().newManager()) {
            NDArray hidden =
                    m.llama()
                            .forward(
                                    nd.create(idl, new Shape(1, t)),
                                    nd.create(pos, new Shape(1, t)),
                                    AttentionMasks.causal(nd, 1, t, 0, null),
                                    null);
            float[] flat = m.llama().logits(hidden).toFloatArray();
            int v = flat.length / t;
            float[][] out = new float[t][v];
            for (int i = 0; i < t; i++) {
                System.arraycopy(flat, i * v, out[i], 0, v);
            }
            return out;
        }
    }
}
