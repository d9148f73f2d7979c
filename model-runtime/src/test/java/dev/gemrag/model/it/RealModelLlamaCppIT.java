package dev.gemrag.model.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our forward and tokenizer against llama.cpp on the same GGUF and held-out prose
 * ({@code tools/fixtures/make_llamacpp_fixture.py}). llama.cpp multiplies Q4_1 weights with
 * Q8-quantised activations while we dequantise to FP32, so logits differ slightly: the bounds
 * (97% same arg-max, perplexity within 3%) allow that and nothing more.
 */
class RealModelLlamaCppIT {
    private static RealModel model;
    private static LlamaCppReference ref;

    @BeforeAll
    static void load() {
        model = RealModel.get();
        ref = LlamaCppReference.load();
        assertThat(model.checkpoint.sha256()).as("the fixture was made from this GGUF").isEqualTo(ref.modelSha256());
    }

    @Test
    void onLlamaCppsTokenIdsOurTop1AndPerplexityAgree() {
        TokenScores ours = TokenScores.causal(model.llama, ref.tokens());
        int n = ref.tokens().length;
        int same = 0;
        double maxDiff = 0;
        double sumDiff = 0;
        for (int i = 0; i < n; i++) {
            if (ours.top1()[i] == ref.top1()[i]) {
                same++;
            }
            if (i < n - 1) {
                double d = Math.abs(ours.nextLogprob()[i] - ref.nextLogprob()[i]);
                maxDiff = Math.max(maxDiff, d);
                sumDiff += d;
            }
        }
        double agreement = (double) same / n;
        double ourPpl = ours.perplexity();
        System.out.printf("llama.cpp ids (%d tokens): top-1 agreement %.2f%% (%d/%d), perplexity ours %.3f vs llama.cpp"
                        + " %.3f (%+.2f%%), next-token log-prob |diff| mean %.4f max %.4f%n",
                n, 100 * agreement, same, n, ourPpl, ref.perplexity(), 100 * (ourPpl / ref.perplexity() - 1),
                sumDiff / (n - 1), maxDiff);
        assertThat(agreement).as("share of positions whose arg-max token equals llama.cpp's").isGreaterThanOrEqualTo(0.97);
        assertThat(Math.abs(ourPpl / ref.perplexity() - 1)).as("relative perplexity difference").isLessThanOrEqualTo(0.03);
    }

    @Test
    void ourTokenizerGivesLlamaCppsIds() {
        assertThat(ref.addBos()).as("the GGUF says add_bos_token=false, so neither side adds BOS").isFalse();
        int[] ours = model.tokenizer.encode(LlamaCppReference.prose());
        int firstDiff = -1;
        for (int i = 0; i < Math.min(ours.length, ref.tokens().length); i++) {
            if (ours[i] != ref.tokens()[i]) {
                firstDiff = i;
                break;
            }
        }
        System.out.printf("tokenizer: ours %d ids, llama.cpp %d ids, first difference at %d%n", ours.length,
                ref.tokens().length, firstDiff);
        assertThat(ours).containsExactly(ref.tokens());
    }
}
