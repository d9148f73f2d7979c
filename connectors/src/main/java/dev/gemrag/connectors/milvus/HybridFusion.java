package dev.gemrag.connectors.milvus;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the dense and the BM25 candidate lists of one question into one ranking (client-side, so
 * the same arithmetic runs against Milvus and Milvus Lite, whose WeightedRanker normalises BM25
 * scores differently and whose BM25 distances come back negated).
 *
 * <ul>
 *   <li>{@link FusionMethod#WEIGHTED}: each leg's scores are normalised over that leg's own
 *       candidates, then {@code w * dense + (1 - w) * sparse}, a chunk missing from a leg scoring 0
 *       there. By default both legs are min-max scaled (best = 1, worst = 0); the BM25 leg may
 *       instead be divided by its best score ({@link ScoreNormalization#MAX},
 *       retrieval.bm25-normalization: BM25 has a natural zero, so a list that matched only common
 *       words stays flat and leaves the order to the dense leg). Normalising per question keeps a
 *       leg's spread, so a weak leg given a small weight only reorders near-ties of the strong one
 *       instead of drowning it (equal-weight RRF does, on man-dev: 0.555 vs BM25's 0.781). Other
 *       normalisations: {@link ScoreNormalization}, compared in the eval.
 *   <li>{@link FusionMethod#RRF}: {@code sum over legs of 1 / (k + rank)}, rank from 1.
 * </ul>
 *
 * Ties go to the chunk ranked better in either leg, then to the smaller chunk id (deterministic).
 * The returned chunks carry the fused score.
 */
public final class HybridFusion implements Serializable {
    private static final long serialVersionUID = 1L;

    private final FusionMethod method;
    private final double denseWeight;
    private final int rrfK;
    private final ScoreNormalization denseNormalization;
    private final ScoreNormalization sparseNormalization;

    /**
     * The job's fusion: the dense leg min-max scaled (cosines have no natural zero), the BM25 leg
     * as retrieval.bm25-normalization says.
     */
    public static HybridFusion job(
            FusionMethod method, double denseWeight, int rrfK, ScoreNormalization bm25) {
        return new HybridFusion(method, denseWeight, rrfK, ScoreNormalization.MIN_MAX, bm25);
    }

    /** Weighted fusion normalises both legs min-max (the default). */
    public HybridFusion(FusionMethod method, double denseWeight, int rrfK) {
        this(method, denseWeight, rrfK, ScoreNormalization.MIN_MAX);
    }

    /**
     * @param normalization how weighted fusion scales both legs (ignored by RRF)
     */
    public HybridFusion(
            FusionMethod method, double denseWeight, int rrfK, ScoreNormalization normalization) {
        this(method, denseWeight, rrfK, normalization, normalization);
    }

    /**
     * @param dense how weighted fusion scales the dense leg (ignored by RRF)
     * @param sparse how weighted fusion scales the BM25 leg (ignored by RRF)
     */
    public HybridFusion(
            FusionMethod method,
            double denseWeight,
            int rrfK,
            ScoreNormalization dense,
            ScoreNormalization sparse) {
        if (method == null) {
            throw new IllegalArgumentException("retrieval.fusion must be set");
        }
        if (!(denseWeight >= 0 && denseWeight <= 1)) {
            throw new IllegalArgumentException(
                    "retrieval.dense-weight must be in [0, 1], got " + denseWeight);
        }
        if (rrfK < 1) {
            throw new IllegalArgumentException("retrieval.rrf-k must be at least 1, got " + rrfK);
        }
        if (dense == null || sparse == null) {
            throw new IllegalArgumentException("the fusion's score normalisations must be set");
        }
        this.method = method;
        this.denseWeight = denseWeight;
        this.rrfK = rrfK;
        this.denseNormalization = dense;
        this.sparseNormalization = sparse;
    }

    public FusionMethod method() {
        return method;
    }

    public double denseWeight() {
        return denseWeight;
    }

    public int rrfK() {
        return rrfK;
    }

    public ScoreNormalization denseNormalization() {
        return denseNormalization;
    }

    public ScoreNormalization sparseNormalization() {
        return sparseNormalization;
    }

    /** The same fusion with another dense weight (the eval's weight sweep). */
    public HybridFusion withDenseWeight(double w) {
        return new HybridFusion(method, w, rrfK, denseNormalization, sparseNormalization);
    }

    /**
     * @param dense dense candidates, best first, higher score = better
     * @param sparse BM25 candidates, best first, higher score = better
     * @return the {@code topK} best chunks by fused score
     */
    public List<RetrievedChunk> fuse(
            List<RetrievedChunk> dense, List<RetrievedChunk> sparse, int topK) {
        boolean rrf = method == FusionMethod.RRF;
        double[] d = rrf ? reciprocalRanks(dense.size()) : denseNormalization.normalise(dense);
        double[] s = rrf ? reciprocalRanks(sparse.size()) : sparseNormalization.normalise(sparse);
        double wd = rrf ? 1 : denseWeight;
        double ws = rrf ? 1 : 1 - denseWeight;
        Map<String, RetrievedChunk> chunk = new LinkedHashMap<>();
        Map<String, Double> score = new HashMap<>();
        Map<String, Integer> bestRank = new HashMap<>();
        add(dense, d, wd, chunk, score, bestRank);
        add(sparse, s, ws, chunk, score, bestRank);
        if (!rrf) {
            addMissing(dense, denseNormalization.missing(d) * wd, chunk.keySet(), score);
            addMissing(sparse, sparseNormalization.missing(s) * ws, chunk.keySet(), score);
        }
        List<String> ids = new ArrayList<>(chunk.keySet());
        ids.sort(
                Comparator.<String>comparingDouble(score::get)
                        .reversed()
                        .thenComparingInt(bestRank::get)
                        .thenComparing(Comparator.naturalOrder()));
        List<RetrievedChunk> out = new ArrayList<>(Math.min(topK, ids.size()));
        for (String id : ids.subList(0, Math.min(topK, ids.size()))) {
            RetrievedChunk c = chunk.get(id);
            out.add(
                    new RetrievedChunk(
                            c.chunkId(),
                            c.docId(),
                            c.title(),
                            c.text(),
                            (float) (double) score.get(id)));
        }
        return out;
    }

    private static void add(
            List<RetrievedChunk> leg,
            double[] norm,
            double weight,
            Map<String, RetrievedChunk> chunk,
            Map<String, Double> score,
            Map<String, Integer> bestRank) {
        for (int i = 0; i < leg.size(); i++) {
            RetrievedChunk c = leg.get(i);
            chunk.putIfAbsent(c.chunkId(), c);
            score.merge(c.chunkId(), weight * norm[i], Double::sum);
            bestRank.merge(c.chunkId(), i, Math::min);
        }
    }

    /** Gives every chunk the leg did not return the leg's value for a missing chunk. */
    private static void addMissing(
            List<RetrievedChunk> leg,
            double value,
            java.util.Set<String> all,
            Map<String, Double> score) {
        if (value == 0) {
            return;
        }
        java.util.Set<String> present = new java.util.HashSet<>();
        leg.forEach(c -> present.add(c.chunkId()));
        for (String id : all) {
            if (!present.contains(id)) {
                score.merge(id, value, Double::sum);
            }
        }
    }

    /** (s - min) / (max - min) over the leg; all 1 when max == min. */
    static double[] minMax(List<RetrievedChunk> leg) {
        return ScoreNormalization.MIN_MAX.normalise(leg);
    }

    private double[] reciprocalRanks(int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = 1.0 / (rrfK + i + 1);
        }
        return out;
    }

    @Override
    public String toString() {
        if (method == FusionMethod.RRF) {
            return "rrf(k=" + rrfK + ")";
        }
        return denseNormalization == sparseNormalization
                ? "weighted(dense " + denseWeight + ", " + denseNormalization + ")"
                : "weighted(dense "
                        + denseWeight
                        + " "
                        + denseNormalization
                        + ", bm25 "
                        + sparseNormalization
                        + ")";
    }
}
