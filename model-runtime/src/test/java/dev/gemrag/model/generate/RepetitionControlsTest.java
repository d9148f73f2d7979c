package dev.gemrag.model.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gemrag.model.GenerationParams;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each repetition control against the penalised logits worked out by hand on small vectors. */
class RepetitionControlsTest {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    private static float[] apply(LogitProcessor p, float[] logits, int... history) {
        float[] out = logits.clone();
        p.apply(out, 0, out.length, history, history.length);
        return out;
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOncePerToken() {
        float[] logits = {2f, -1f, 0.5f, 3f, -4f};
        // tokens 0 (twice), 1 and 4 seen: 2/2 = 1, -1*2 = -2, -4*2 = -8; 2 and 3 untouched
        assertThat(apply(new RepetitionPenalty(2f, 0), logits, 0, 1, 0, 4))
                .containsExactly(1f, -2f, 0.5f, 3f, -8f);
    }

    @Test
    void repetitionPenaltyLooksOnlyAtTheWindow() {
        float[] logits = {2f, -1f, 0.5f, 3f};
        // window 2 of [0, 1, 3]: only 1 and 3 -> -1*1.5 = -1.5, 3/1.5 = 2
        assertThat(apply(new RepetitionPenalty(1.5f, 2), logits, 0, 1, 3))
                .containsExactly(2f, -1.5f, 0.5f, 2f);
    }

    @Test
    void frequencyAndPresenceSubtractCountTimesFrequencyPlusPresence() {
        float[] logits = {2f, -1f, 0.5f, 3f};
        // counts: 0 -> 3, 2 -> 1; freq 0.5, presence 0.25: 2 - (1.5 + 0.25) = 0.25, 0.5 - (0.5 +
        // 0.25) = -0.25
        assertThat(apply(new FrequencyPresencePenalty(0.5f, 0.25f, 0), logits, 0, 2, 0, 0))
                .containsExactly(0.25f, -1f, -0.25f, 3f);
        // window 1: only the last 0 counts -> 2 - 0.75 = 1.25
        assertThat(apply(new FrequencyPresencePenalty(0.5f, 0.25f, 1), logits, 0, 2, 0, 0))
                .containsExactly(1.25f, -1f, 0.5f, 3f);
    }

    @Test
    void noRepeatNgramExact() {
        float[] logits = {1f, 2f, 3f, 4f, 5f};
        // n = 2, history 1 2 3 1 2: the last token is 2; "2" was followed by token 3 -> ban id 3
        assertThat(apply(new NoRepeatNgram(2), logits, 1, 2, 3, 1, 2))
                .containsExactly(1f, 2f, 3f, NEG_INF, 5f);
        // n = 3, history 4 1 2 0 1 2: the last two, "1 2", occurred at 1..2 followed by 0 -> ban 0
        assertThat(apply(new NoRepeatNgram(3), logits, 4, 1, 2, 0, 1, 2))
                .containsExactly(NEG_INF, 2f, 3f, 4f, 5f);
        // n = 1 bans everything generated
        assertThat(apply(new NoRepeatNgram(1), logits, 4, 1))
                .containsExactly(1f, NEG_INF, 3f, 4f, NEG_INF);
        // too short a history: nothing
        assertThat(apply(new NoRepeatNgram(3), logits, 2)).containsExactly(logits);
    }

    @Test
    void dryPenalisesTheTokenThatExtendsARepeatExponentially() {
        float[] logits = {1f, 1f, 1f, 1f, 1f, 1f};
        // history 1 2 3 4 1 2 3: suffix "1 2 3" (L = 3) occurred before, followed by 4;
        // suffix "3" alone also matches nowhere else. multiplier 0.8, base 2, allowed 2: 4 loses
        // 0.8 * 2^(3-2) = 1.6
        float[] out = apply(new DryPenalty(0.8f, 2f, 2), logits, 1, 2, 3, 4, 1, 2, 3);
        assertThat(out[4]).isCloseTo(1f - 1.6f, within(1e-6f));
        assertThat(new float[] {out[0], out[1], out[2], out[3], out[5]}).containsOnly(1f);
        // allowed length 4 > L = 3: no penalty
        assertThat(apply(new DryPenalty(0.8f, 2f, 4), logits, 1, 2, 3, 4, 1, 2, 3))
                .containsExactly(logits);
    }

    @Test
    void dryTakesTheLongestMatchPerToken() {
        float[] logits = {0f, 0f, 0f, 0f};
        // history 2 1 0 3 1 0 2 1 0: suffix "2 1 0" matches at 0..2 (L=3, next 3); "1 0" at 4..5
        // (L=2, next 2)
        float[] out = apply(new DryPenalty(1f, 2f, 1), logits, 2, 1, 0, 3, 1, 0, 2, 1, 0);
        assertThat(out[3]).isEqualTo(-4f); // 1 * 2^(3-1)
        assertThat(out[2]).isEqualTo(-2f); // 1 * 2^(2-1)
        assertThat(out[0]).isEqualTo(0f);
        assertThat(out[1]).isEqualTo(0f);
    }

    @Test
    void topKKeepsTheKLargestAndTies() {
        float[] l = {0.5f, 3f, 1f, 3f, -2f};
        Sampler.topK(l, 0, l.length, 2);
        assertThat(l).containsExactly(NEG_INF, 3f, NEG_INF, 3f, NEG_INF);
        float[] m = {0.5f, 3f, 1f, 2f};
        Sampler.topK(m, 0, m.length, 3);
        assertThat(m).containsExactly(NEG_INF, 3f, 1f, 2f);
    }

    @Test
    void minPDropsTokensBelowAFractionOfTheMostLikelyAndRenormalises() {
        double[] p = {0.5, 0.3, 0.15, 0.05};
        Sampler.minP(p, 0.25f); // cut 0.125: 0.05 goes, the rest / 0.95
        assertThat(p[0]).isCloseTo(0.5 / 0.95, within(1e-12));
        assertThat(p[1]).isCloseTo(0.3 / 0.95, within(1e-12));
        assertThat(p[2]).isCloseTo(0.15 / 0.95, within(1e-12));
        assertThat(p[3]).isZero();
    }

    @Test
    void greedySamplerAppliesThePenaltiesBeforeTheArgmax() {
        GenerationParams params = GenerationParams.greedy(8).withPenalties(3f, 0f, 0f, 0);
        Sampler s = new Sampler(params);
        assertThat(s.needsHostLogits()).isTrue();
        // token 0 leads (2 vs 1) but was generated: 2/3 < 1 -> token 1
        assertThat(s.sample(new float[] {2f, 1f}, 0, 2, new int[] {0}, 1)).isEqualTo(1);
        assertThat(new Sampler(GenerationParams.greedy(8)).needsHostLogits()).isFalse();
    }

    @Test
    void topKAndMinPRestrictWhatIsDrawnAndDrawsAreSeeded() {
        // log-probs 0.4, 0.3, 0.2, 0.1: top-k 2 -> only 0 and 1 (0.4/0.7, 0.3/0.7)
        float[] logits = {
            (float) Math.log(0.4),
            (float) Math.log(0.3),
            (float) Math.log(0.2),
            (float) Math.log(0.1)
        };
        Sampler s = new Sampler(1f, 1f, 5, 2, 0f, List.of());
        int[] counts = new int[4];
        for (int i = 0; i < 20000; i++) {
            counts[s.sample(logits.clone())]++;
        }
        assertThat(counts[2] + counts[3]).isZero();
        assertThat(counts[0] / 20000.0).isCloseTo(0.4 / 0.7, within(0.015));
        // min-p 0.6: cut 0.24 keeps 0 and 1 as well
        Sampler m = new Sampler(1f, 1f, 5, 0, 0.6f, List.of());
        Sampler again = new Sampler(1f, 1f, 5, 0, 0.6f, List.of());
        for (int i = 0; i < 200; i++) {
            int a = m.sample(logits.clone());
            assertThat(a).isLessThan(2).isEqualTo(again.sample(logits.clone()));
        }
    }

    @Test
    void invalidSettingsAreOneLineErrors() {
        assertThatThrownBy(() -> GenerationParams.greedy(8).withPenalties(0f, 0f, 0f, 0))
                .hasMessage("repetitionPenalty must be > 0 (1 = off), got 0.0");
        assertThatThrownBy(() -> GenerationParams.greedy(8).withSampling(0.7f, 1f, -1, 0f, 1))
                .hasMessage("topK must be >= 0 (0 = off), got -1");
        assertThatThrownBy(() -> GenerationParams.greedy(8).withSampling(0.7f, 1f, 0, 1f, 1))
                .hasMessage("minP must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> GenerationParams.greedy(8).withNoRepeatNgram(-1))
                .hasMessage("noRepeatNgram must be >= 0 (0 = off), got -1");
        assertThatThrownBy(() -> GenerationParams.greedy(8).withDry(0.8f, 0.5f, 2))
                .hasMessage("dryBase must be >= 1, got 0.5");
    }
}
