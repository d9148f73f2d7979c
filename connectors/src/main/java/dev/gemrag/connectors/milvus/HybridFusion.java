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
 *   <li>{@link FusionMethod#WEIGHTED}: each leg's scores are min-max normalised over that leg's own
 *       candidates (best = 1, worst = 0; a leg whose candidates all score alike gives them 1), then
 *       {@code w * dense + (1 - w) * sparse}, a chunk missing from a leg scoring 0 there.
 *       Normalising per question keeps a leg's spread, so a weak leg given a small weight only
 *       reorders near-ties of the strong one instead of drowning it (equal-weight RRF does, on
 *       man-dev: 0.555 vs BM25's 0.781).
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

    public HybridFusion(FusionMethod method, double denseWeight, int rrfK) {
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
        this.method = method;
        this.denseWeight = denseWeight;
        this.rrfK = rrfK;
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

    /** The same fusion with another dense weight (the eval's weight sweep). */
    public HybridFusion withDenseWeight(double w) {
        return new HybridFusion(method, w, rrfK);
    }

    /**
     * @param dense dense candidates, best first, higher score = better
     * @param sparse BM25 candidates, best first, higher score = better
     * @return the {@code topK} best chunks by fused score
     */
    public List<RetrievedChunk> fuse(
            List<RetrievedChunk> dense, List<RetrievedChunk> sparse, int topK) {
        double[] d = method == FusionMethod.RRF ? reciprocalRanks(dense.size()) : minMax(dense);
        double[] s = method == FusionMethod.RRF ? reciprocalRanks(sparse.size()) : minMax(sparse);
        double wd = method == FusionMethod.RRF ? 1 : denseWeight;
        double ws = method == FusionMethod.RRF ? 1 : 1 - denseWeight;
        Map<String, RetrievedChunk> chunk = new LinkedHashMap<>();
        Map<String, Double> score = new HashMap<>();
        Map<String, Integer> bestRank = new HashMap<>();
        add(dense, d, wd, chunk, score, bestRank);
        add(sparse, s, ws, chunk, score, bestRank);
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

    /** (s - min) / (max - min) over the leg; all 1 when max == min. */
    static double[] minMax(List<RetrievedChunk> leg) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (RetrievedChunk c : leg) {
            min = Math.min(min, c.score());
            max = Math.max(max, c.score());
        }
        double[] out = new double[leg.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = max > min ? (leg.get(i).score() - min) / (max - min) : 1.0;
        }
        return out;
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
        return method == FusionMethod.RRF
                ? "rrf(k=" + rrfK + ")"
                : "weighted(dense " + denseWeight + ")";
    }
}
