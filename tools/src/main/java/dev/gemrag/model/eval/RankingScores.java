package dev.gemrag.model.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Averages nDCG@10, Recall@1/10 and MRR@10 over a set's queries and measures hubness: one table
 * row.
 */
public final class RankingScores {
    private RankingScores() {}

    /**
     * @param ranked for each query of {@code data}, in order, its ranked document ids (10 or more)
     * @param textsPerSecond the row's embedding speed (NaN when it embeds nothing)
     */
    public static EvalResult row(
            String config, BeirDataset data, List<List<String>> ranked, double textsPerSecond) {
        if (ranked.size() != data.queries().size()) {
            throw new IllegalArgumentException(
                    ranked.size() + " rankings for " + data.queries().size() + " queries");
        }
        double ndcg = 0, r1 = 0, r10 = 0, mrr = 0;
        List<List<String>> all = new ArrayList<>(ranked.size());
        for (int i = 0; i < data.queries().size(); i++) {
            Map<String, Integer> rel = data.qrels().get(data.queries().get(i).id());
            List<String> r = ranked.get(i);
            ndcg += RetrievalMetrics.ndcgAt(10, r, rel);
            r1 += RetrievalMetrics.recallAt(1, r, rel);
            r10 += RetrievalMetrics.recallAt(10, r, rel);
            mrr += RetrievalMetrics.mrrAt(10, r, rel);
            all.add(r);
        }
        int n = Math.max(1, data.queries().size());
        return new EvalResult(
                config,
                data.queries().size(),
                data.corpus().size(),
                ndcg / n,
                r1 / n,
                r10 / n,
                mrr / n,
                textsPerSecond,
                Hubness.topDocumentShare(all));
    }
}
