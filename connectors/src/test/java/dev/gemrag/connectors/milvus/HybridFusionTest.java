package dev.gemrag.connectors.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Fusion against values computed by hand (written out in the comments). */
class HybridFusionTest {
    static RetrievedChunk c(String id, double score) {
        return new RetrievedChunk(id, "doc-" + id, "t", "text " + id, (float) score);
    }

    // dense: a 0.9, b 0.7, c 0.5 -> min-max: a 1, b 0.5, c 0
    static final List<RetrievedChunk> DENSE = List.of(c("a", 0.9), c("b", 0.7), c("c", 0.5));
    // bm25: c 12, d 8, a 2 -> min-max: c 1, d 0.6, a 0
    static final List<RetrievedChunk> SPARSE = List.of(c("c", 12), c("d", 8), c("a", 2));

    @Test
    void weightedFusionOfMinMaxNormalisedScores() {
        // w = 0.2: a = 0.2*1 + 0.8*0 = 0.2; b = 0.2*0.5 = 0.1; c = 0.2*0 + 0.8*1 = 0.8; d = 0.8*0.6
        // = 0.48
        List<RetrievedChunk> out =
                new HybridFusion(FusionMethod.WEIGHTED, 0.2, 60, ScoreNormalization.MIN_MAX)
                        .fuse(DENSE, SPARSE, 10);
        assertThat(out).extracting(RetrievedChunk::chunkId).containsExactly("c", "d", "a", "b");
        assertThat(out)
                .extracting(RetrievedChunk::score)
                .satisfiesExactly(
                        s -> assertThat(s).isCloseTo(0.8f, within(1e-6f)),
                        s -> assertThat(s).isCloseTo(0.48f, within(1e-6f)),
                        s -> assertThat(s).isCloseTo(0.2f, within(1e-6f)),
                        s -> assertThat(s).isCloseTo(0.1f, within(1e-6f)));
        assertThat(out.get(1).docId()).isEqualTo("doc-d");
        assertThat(out.get(1).text()).isEqualTo("text d");
    }

    @Test
    void weightedFusionWithTheDenseLegHeavier() {
        // w = 0.7: a = 0.7; b = 0.35; c = 0.3; d = 0.3*0.6 = 0.18; top 2
        List<RetrievedChunk> out =
                new HybridFusion(FusionMethod.WEIGHTED, 0.7, 60, ScoreNormalization.MIN_MAX)
                        .fuse(DENSE, SPARSE, 2);
        assertThat(out).extracting(RetrievedChunk::chunkId).containsExactly("a", "b");
        assertThat(out.get(0).score()).isCloseTo(0.7f, within(1e-6f));
        assertThat(out.get(1).score()).isCloseTo(0.35f, within(1e-6f));
    }

    @Test
    void bm25ScaledByItsBestScore() {
        // dense min-max: a 1, b 0.5, c 0; bm25 / 12: c 1, d 0.6666667, a 0.1666667. w = 0.2: c =
        // 0.8; d = 0.8 * 0.6666667 = 0.5333333; a = 0.2 + 0.8 * 0.1666667 = 0.3333333; b = 0.1
        // the job's shape: dense min-max, BM25 as retrieval.bm25-normalization says
        HybridFusion f = HybridFusion.job(FusionMethod.WEIGHTED, 0.2, 60, ScoreNormalization.MAX);
        assertThat(f).hasToString("weighted(dense 0.2 min-max, bm25 max)");
        List<RetrievedChunk> out = f.fuse(DENSE, SPARSE, 10);
        assertThat(out).extracting(RetrievedChunk::chunkId).containsExactly("c", "d", "a", "b");
        assertThat(out)
                .extracting(RetrievedChunk::score)
                .satisfiesExactly(
                        s -> assertThat(s).isCloseTo(0.8f, within(1e-6f)),
                        s -> assertThat(s).isCloseTo(0.5333333f, within(1e-6f)),
                        s -> assertThat(s).isCloseTo(0.3333333f, within(1e-6f)),
                        s -> assertThat(s).isCloseTo(0.1f, within(1e-6f)));
    }

    @Test
    void aFlatBm25ListLeavesTheOrderToTheDenseLeg() {
        // bm25 matched only common words: c 10.5, b 10.4, a 10.0. Min-max stretches that to c 1,
        // b 0.8, a 0, so at w = 0.5: b = 0.25 + 0.4 = 0.65 beats a = 0.5 and c = 0.5 (both first
        // in a leg, so a before c by id). Over the best score: c 1, b 0.9904762, a 0.9523810, so
        // a = 0.5 + 0.4761905 = 0.9761905, b = 0.25 + 0.4952381 = 0.7452381, c = 0.5: the dense
        // order stands.
        List<RetrievedChunk> flat = List.of(c("c", 10.5), c("b", 10.4), c("a", 10.0));
        assertThat(
                        new HybridFusion(FusionMethod.WEIGHTED, 0.5, 60, ScoreNormalization.MIN_MAX)
                                .fuse(DENSE, flat, 3))
                .extracting(RetrievedChunk::chunkId)
                .containsExactly("b", "a", "c");
        List<RetrievedChunk> out =
                new HybridFusion(
                                FusionMethod.WEIGHTED,
                                0.5,
                                60,
                                ScoreNormalization.MIN_MAX,
                                ScoreNormalization.MAX)
                        .fuse(DENSE, flat, 3);
        assertThat(out).extracting(RetrievedChunk::chunkId).containsExactly("a", "b", "c");
        assertThat(out.get(0).score()).isCloseTo(0.9761905f, within(1e-6f));
        assertThat(out.get(1).score()).isCloseTo(0.7452381f, within(1e-6f));
    }

    @Test
    void maxByHand() {
        assertThat(ScoreNormalization.MAX.normalise(new double[] {12, 8, 2}))
                .containsExactly(1.0, 8.0 / 12, 2.0 / 12);
        // no positive score: nothing to scale by, so no say
        assertThat(ScoreNormalization.MAX.normalise(new double[] {0, 0})).containsExactly(0.0, 0.0);
        assertThat(ScoreNormalization.MAX.missing(new double[] {1, 0.5})).isZero();
    }

    @Test
    void normalisationsParseByTheirConfigSpelling() {
        assertThat(ScoreNormalization.of("z-score")).isEqualTo(ScoreNormalization.Z_SCORE);
        assertThat(ScoreNormalization.MIN_MAX).hasToString("min-max");
        assertThatThrownBy(() -> ScoreNormalization.of("l2"))
                .hasMessage(
                        "unknown score normalisation 'l2'; choose from [min-max, z-score, rank,"
                                + " max]");
    }

    @Test
    void weightOneAndZeroReproduceEachLeg() {
        assertThat(new HybridFusion(FusionMethod.WEIGHTED, 1.0, 60).fuse(DENSE, SPARSE, 3))
                .extracting(RetrievedChunk::chunkId)
                .containsExactly("a", "b", "c");
        // w = 0: c 1, d 0.6, then a and b tie at 0: a was ranked better (dense rank 0 vs 1)
        assertThat(new HybridFusion(FusionMethod.WEIGHTED, 0.0, 60).fuse(DENSE, SPARSE, 4))
                .extracting(RetrievedChunk::chunkId)
                .containsExactly("c", "d", "a", "b");
    }

    @Test
    void reciprocalRankFusion() {
        // k = 60: a = 1/61 + 1/63 = 0.0322664; b = 1/62 = 0.0161290; c = 1/63 + 1/61 = 0.0322664; d
        // = 1/62
        // a and c tie: both best-ranked 1st in one leg, then chunk id: a before c; b and d likewise
        List<RetrievedChunk> out =
                new HybridFusion(FusionMethod.RRF, 0.2, 60).fuse(DENSE, SPARSE, 10);
        assertThat(out).extracting(RetrievedChunk::chunkId).containsExactly("a", "c", "b", "d");
        assertThat(out.get(0).score()).isCloseTo((float) (1.0 / 61 + 1.0 / 63), within(1e-7f));
        assertThat(out.get(2).score()).isCloseTo((float) (1.0 / 62), within(1e-7f));
        // k = 1: a = 1/2 + 1/4 = 0.75; c = 1/4 + 1/2 = 0.75; b = d = 1/3
        assertThat(new HybridFusion(FusionMethod.RRF, 0.5, 1).fuse(DENSE, SPARSE, 1).get(0).score())
                .isCloseTo(0.75f, within(1e-7f));
    }

    @Test
    void anEmptyOrFlatLegDoesNotBreakTheOther() {
        HybridFusion f = new HybridFusion(FusionMethod.WEIGHTED, 0.3, 60);
        assertThat(f.fuse(DENSE, List.of(), 10))
                .extracting(RetrievedChunk::chunkId)
                .containsExactly("a", "b", "c");
        assertThat(f.fuse(List.of(), List.of(), 10)).isEmpty();
        // one candidate (max == min): normalised to 1, so it gets the leg's full weight 0.7
        List<RetrievedChunk> out = f.fuse(DENSE, List.of(c("z", 3.5)), 10);
        assertThat(out.get(0).chunkId()).isEqualTo("z");
        assertThat(out.get(0).score()).isCloseTo(0.7f, within(1e-6f));
    }

    @Test
    void minMaxByHand() {
        assertThat(HybridFusion.minMax(SPARSE)).containsExactly(1.0, 0.6, 0.0);
        assertThat(HybridFusion.minMax(List.of(c("x", 2), c("y", 2)))).containsExactly(1.0, 1.0);
    }

    @Test
    void zScoreFusionByHand() {
        // dense 0.9 0.7 0.5: mean 0.7, population std sqrt(0.08 / 3) = 0.1632993 -> a 1.2247449,
        // b 0, c -1.2247449. bm25 12 8 2: mean 7.3333333, std sqrt(50.6666667 / 3) = 4.1096093
        // -> c 1.1355499, d 0.1622214, a -1.2977713. A chunk missing from a leg gets the leg's
        // lowest z. w = 0.5: a = (1.2247449 - 1.2977713) / 2 = -0.0365132; c = (-1.2247449 +
        // 1.1355499) / 2 = -0.0445975; d = (-1.2247449 + 0.1622214) / 2 = -0.5312618; b = (0 -
        // 1.2977713) / 2 = -0.6488857
        List<RetrievedChunk> out =
                new HybridFusion(FusionMethod.WEIGHTED, 0.5, 60, ScoreNormalization.Z_SCORE)
                        .fuse(DENSE, SPARSE, 10);
        assertThat(out).extracting(RetrievedChunk::chunkId).containsExactly("a", "c", "d", "b");
        assertThat(out)
                .extracting(RetrievedChunk::score)
                .satisfiesExactly(
                        s -> assertThat(s).isCloseTo(-0.0365132f, within(1e-5f)),
                        s -> assertThat(s).isCloseTo(-0.0445975f, within(1e-5f)),
                        s -> assertThat(s).isCloseTo(-0.5312618f, within(1e-5f)),
                        s -> assertThat(s).isCloseTo(-0.6488857f, within(1e-5f)));
        // equal scores: z 0 for all (no spread, no information)
        assertThat(ScoreNormalization.Z_SCORE.normalise(List.of(c("x", 2), c("y", 2))))
                .containsExactly(0.0, 0.0);
    }

    @Test
    void rankFusionByHand() {
        // 1 - rank / 3: dense a 1, b 2/3, c 1/3; bm25 c 1, d 2/3, a 1/3; missing 0. w = 0.6:
        // a = 0.6 + 0.4 / 3 = 0.7333333; c = 0.2 + 0.4 = 0.6; b = 0.4; d = 0.2666667
        List<RetrievedChunk> out =
                new HybridFusion(FusionMethod.WEIGHTED, 0.6, 60, ScoreNormalization.RANK)
                        .fuse(DENSE, SPARSE, 10);
        assertThat(out).extracting(RetrievedChunk::chunkId).containsExactly("a", "c", "b", "d");
        assertThat(out.get(0).score()).isCloseTo(0.7333333f, within(1e-6f));
        assertThat(out.get(3).score()).isCloseTo(0.2666667f, within(1e-6f));
        // the scores themselves do not matter, only the order
        assertThat(ScoreNormalization.RANK.normalise(List.of(c("x", 100), c("y", -5))))
                .containsExactly(1.0, 0.5);
    }

    @Test
    void refusesBadSettings() {
        assertThatThrownBy(() -> new HybridFusion(FusionMethod.WEIGHTED, 1.5, 60))
                .hasMessage("retrieval.dense-weight must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> new HybridFusion(FusionMethod.WEIGHTED, Double.NaN, 60))
                .hasMessageContaining("retrieval.dense-weight must be in [0, 1]");
        assertThatThrownBy(() -> new HybridFusion(FusionMethod.RRF, 0.2, 0))
                .hasMessage("retrieval.rrf-k must be at least 1, got 0");
    }
}
