package dev.gemrag.model.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our forward and tokenizer against llama.cpp on the held-out prose, fed llama.cpp's own token ids.
 *
 * <p>Two references (tools/fixtures/README.md): llama.cpp on the default Q4_1 GGUF, and llama.cpp
 * on an F32 copy of it. We dequantise Q4_1 to FP32, so the F32 run does the same maths on the same
 * weights: there our arg-max must agree on >= 97% of positions and the perplexity within 3%. On the
 * Q4_1 file llama.cpp also rounds activations to 8 bits in every matmul; that noise alone flips
 * some near-tie arg-maxes (llama.cpp-Q4_1 vs llama.cpp-F32 agree on ~96% of positions), so there we
 * ask for the perplexity within 3% and at least the agreement llama.cpp has with itself across the
 * two files.
 */
class RealModelLlamaCppIT {
    private static RealModel model;
    private static LlamaCppReference q4;
    private static LlamaCppReference f32;
    private static TokenScores ours;

    @BeforeAll
    static void load() {
        model = RealModel.get();
        q4 = LlamaCppReference.load(LlamaCppReference.Q4_1);
        f32 = LlamaCppReference.load(LlamaCppReference.F32);
        assertThat(model.checkpoint.sha256())
                .as("the fixtures were made from this GGUF")
                .isEqualTo(q4.sourceSha256())
                .isEqualTo(f32.sourceSha256());
        assertThat(f32.tokens())
                .as("both fixtures score the same ids")
                .containsExactly(q4.tokens());
        ours = model.scores(q4.tokens()); // the serving path (the compiled decoder by default)
    }

    @Test
    void againstLlamaCppInFp32OnOurWeightsTop1AndPerplexityAgree() {
        double agreement = report("llama.cpp F32 copy", f32);
        assertThat(agreement)
                .as("share of positions whose arg-max equals llama.cpp-F32's")
                .isGreaterThanOrEqualTo(0.97);
        assertThat(Math.abs(ours.perplexity() / f32.perplexity() - 1))
                .as("relative perplexity difference")
                .isLessThanOrEqualTo(0.03);
    }

    @Test
    void againstLlamaCppOnTheQ4File() {
        double agreement = report("llama.cpp Q4_1", q4);
        double selfAgreement = agreement(q4.top1(), f32.top1());
        System.out.printf(
                "llama.cpp Q4_1 vs llama.cpp F32 top-1 agreement: %.2f%%%n", 100 * selfAgreement);
        assertThat(agreement)
                .as(
                        "agreement with llama.cpp-Q4_1, vs llama.cpp's own Q4_1-vs-F32 %.4f",
                        selfAgreement)
                .isGreaterThanOrEqualTo(selfAgreement - 0.01);
        assertThat(Math.abs(ours.perplexity() / q4.perplexity() - 1))
                .as("relative perplexity difference")
                .isLessThanOrEqualTo(0.03);
    }

    @Test
    void ourTokenizerGivesLlamaCppsIds() {
        assertThat(q4.addBos())
                .as("the GGUF says add_bos_token=false, so neither side adds BOS")
                .isFalse();
        int[] mine = model.tokenizer.encode(LlamaCppReference.prose());
        int firstDiff = -1;
        for (int i = 0; i < Math.min(mine.length, q4.tokens().length); i++) {
            if (mine[i] != q4.tokens()[i]) {
                firstDiff = i;
                break;
            }
        }
        System.out.printf(
                "tokenizer: ours %d ids, llama.cpp %d ids, first difference at %d%n",
                mine.length, q4.tokens().length, firstDiff);
        assertThat(mine).containsExactly(q4.tokens());
    }

    private static double report(String name, LlamaCppReference ref) {
        int n = ref.tokens().length;
        double agreement = agreement(ours.top1(), ref.top1());
        double maxDiff = 0;
        double sumDiff = 0;
        for (int i = 0; i < n - 1; i++) {
            double d = Math.abs(ours.nextLogprob()[i] - ref.nextLogprob()[i]);
            maxDiff = Math.max(maxDiff, d);
            sumDiff += d;
        }
        System.out.printf(
                "vs %s (%d tokens): top-1 agreement %.2f%%, perplexity ours %.4f vs %.4f (%+.3f%%),"
                        + " next-token log-prob |diff| mean %.5f max %.5f%n",
                name,
                n,
                100 * agreement,
                ours.perplexity(),
                ref.perplexity(),
                100 * (ours.perplexity() / ref.perplexity() - 1),
                sumDiff / (n - 1),
                maxDiff);
        return agreement;
    }

    private static double agreement(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) {
                same++;
            }
        }
        return (double) same / a.length;
    }
}
