package dev.gemrag.model.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Perplexity of the real model on held-out prose, end to end with OUR tokenizer.
 *
 * <p>The bound is calibrated from llama.cpp's perplexity on the same text (fixture): ours must lie in
 * [ref / 1.5, ref x 1.5]. Quantisation detail moves it by a few percent; a wrong RoPE layout, a wrong
 * mask or a wrong tokenizer moves it by far more than 1.5x (upwards when the model is confused,
 * downwards when a leaky mask lets it peek at the next token). The second test shows the bound does
 * catch two such breakages, computed on the same forward.
 */
class RealModelPerplexityIT {
    private static final double FACTOR = 1.5;
    private static RealModel model;
    private static LlamaCppReference ref;
    private static int[] ids;

    @BeforeAll
    static void load() {
        model = RealModel.get();
        ref = LlamaCppReference.load();
        ids = model.tokenizer.encode(LlamaCppReference.prose());
    }

    private static boolean withinBound(double ppl) {
        return ppl >= ref.perplexity() / FACTOR && ppl <= ref.perplexity() * FACTOR;
    }

    @Test
    void heldOutPerplexityWithOurTokenizerIsNearLlamaCpps() {
        long t0 = System.nanoTime();
        double ppl = TokenScores.causal(model.llama, ids).perplexity();
        System.out.printf("held-out prose: %d tokens (our tokenizer), per-token perplexity %.3f (llama.cpp %.3f,"
                        + " allowed [%.2f, %.2f]), forward %.2f s%n",
                ids.length, ppl, ref.perplexity(), ref.perplexity() / FACTOR, ref.perplexity() * FACTOR,
                (System.nanoTime() - t0) / 1e9);
        assertThat(withinBound(ppl)).as("perplexity %.3f within %.1fx of llama.cpp's %.3f", ppl, FACTOR,
                ref.perplexity()).isTrue();
    }

    @Test
    void theBoundCatchesABrokenRopeAndALeakyMask() {
        int n = ids.length;
        // RoPE broken: every token at position 0, so the model loses word order.
        double noRope = TokenScores.of(model.llama, ids, new long[n], (row, q, k) -> k <= q).perplexity();
        // Mask broken: no causal mask, every position also sees the tokens after it.
        long[] positions = new long[n];
        for (int i = 0; i < n; i++) {
            positions[i] = i;
        }
        double leaky = TokenScores.of(model.llama, ids, positions, (row, q, k) -> true).perplexity();
        System.out.printf("broken variants: positions all 0 -> perplexity %.2f, no causal mask -> %.2f (bound [%.2f, %.2f])%n",
                noRope, leaky, ref.perplexity() / FACTOR, ref.perplexity() * FACTOR);
        assertThat(withinBound(noRope)).as("perplexity with RoPE positions all 0: %.2f", noRope).isFalse();
        assertThat(withinBound(leaky)).as("perplexity without causal mask: %.2f", leaky).isFalse();
    }
}
