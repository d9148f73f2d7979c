package dev.gemrag.connectors.milvus;

import java.util.List;

/**
 * How weighted fusion puts one leg's scores on a common scale before {@code w * dense + (1 - w) *
 * bm25}. Cosine similarities and BM25 scores live on unrelated scales, so each leg is normalised
 * over its own candidates for the question at hand; a chunk missing from a leg gets that leg's
 * worst normalised value or less (it was not even among the candidates; see {@link #missing}).
 */
public enum ScoreNormalization {
    /** (s - min) / (max - min): best 1, worst 0; all 1 when the leg's scores are equal. */
    MIN_MAX,
    /**
     * (s - mean) / standard deviation: a leg whose best candidate stands far above the rest keeps
     * that margin (min-max squeezes every leg into [0, 1] whatever its spread); all 0 when equal.
     */
    Z_SCORE,
    /** 1 - rank / n (rank from 0): only the order counts, like RRF but linear in rank. */
    RANK,
    /**
     * s / max: for scores with a natural zero, BM25's (no question term in the chunk). A flat list,
     * whose candidates all match the same common words, stays flat instead of being stretched over
     * [0, 1], so a leg that cannot tell its candidates apart gets little say; all 0 when max <= 0.
     */
    MAX;

    /** The normalised scores of {@code leg}, in its order. */
    public double[] normalise(List<RetrievedChunk> leg) {
        double[] scores = new double[leg.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = leg.get(i).score();
        }
        return normalise(scores);
    }

    /** {@code scores} normalised, in their order (best first for {@link #RANK}). */
    public double[] normalise(double[] scores) {
        int n = scores.length;
        double[] out = new double[n];
        if (this == RANK) {
            for (int i = 0; i < n; i++) {
                out[i] = 1.0 - (double) i / n;
            }
            return out;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (double s : scores) {
            min = Math.min(min, s);
            max = Math.max(max, s);
            sum += s;
        }
        if (this == MAX) {
            for (int i = 0; i < n; i++) {
                out[i] = max > 0 ? scores[i] / max : 0.0;
            }
            return out;
        }
        if (this == MIN_MAX) {
            for (int i = 0; i < n; i++) {
                out[i] = max > min ? (scores[i] - min) / (max - min) : 1.0;
            }
            return out;
        }
        double mean = sum / Math.max(1, n);
        double sq = 0;
        for (double s : scores) {
            sq += (s - mean) * (s - mean);
        }
        double std = Math.sqrt(sq / Math.max(1, n));
        for (int i = 0; i < n; i++) {
            out[i] = std > 0 ? (scores[i] - mean) / std : 0.0;
        }
        return out;
    }

    /**
     * The value a chunk gets in a leg that did not return it: 0 for min-max, rank and max (at or
     * below the leg's worst), the leg's lowest z for z-score (0 would rank it above the leg's own
     * below-average candidates).
     */
    public double missing(double[] normalised) {
        if (this != Z_SCORE || normalised.length == 0) {
            return 0.0;
        }
        double worst = Double.POSITIVE_INFINITY;
        for (double v : normalised) {
            worst = Math.min(worst, v);
        }
        return worst;
    }

    /** The config spelling: min-max, z-score, rank, max. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The normalisation of a config spelling; a one-line error naming the choices otherwise. */
    public static ScoreNormalization of(String wireName) {
        for (ScoreNormalization n : values()) {
            if (n.wireName().equals(wireName)) {
                return n;
            }
        }
        throw new IllegalArgumentException(
                "unknown score normalisation '"
                        + wireName
                        + "'; choose from "
                        + java.util.Arrays.toString(values()));
    }

    /** The config spelling, which Flink's enum options also parse (case-insensitively). */
    @Override
    public String toString() {
        return wireName();
    }
}
