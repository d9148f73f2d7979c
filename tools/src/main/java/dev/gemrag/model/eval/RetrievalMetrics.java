package dev.gemrag.model.eval;

import java.util.List;
import java.util.Map;

/**
 * Standard IR metrics over one ranked list of document ids and the query's graded relevance (BEIR /
 * pytrec_eval definitions: gain = grade, discount = log2(rank + 1), ideal from sorted grades).
 */
public final class RetrievalMetrics {
    private RetrievalMetrics() {}

    public static double ndcgAt(int k, List<String> ranked, Map<String, Integer> relevant) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            int grade = relevant.getOrDefault(ranked.get(i), 0);
            dcg += grade / log2(i + 2);
        }
        int[] grades =
                relevant.values().stream()
                        .mapToInt(Integer::intValue)
                        .filter(g -> g > 0)
                        .boxed()
                        .sorted((a, b) -> b - a)
                        .mapToInt(Integer::intValue)
                        .toArray();
        double ideal = 0;
        for (int i = 0; i < Math.min(k, grades.length); i++) {
            ideal += grades[i] / log2(i + 2);
        }
        return ideal == 0 ? 0 : dcg / ideal;
    }

    /** Share of the relevant documents found in the first k. */
    public static double recallAt(int k, List<String> ranked, Map<String, Integer> relevant) {
        long total = relevant.values().stream().filter(g -> g > 0).count();
        if (total == 0) {
            return 0;
        }
        long found =
                ranked.stream().limit(k).filter(id -> relevant.getOrDefault(id, 0) > 0).count();
        return (double) found / total;
    }

    /** 1 / rank of the first relevant document within the first k, else 0. */
    public static double mrrAt(int k, List<String> ranked, Map<String, Integer> relevant) {
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (relevant.getOrDefault(ranked.get(i), 0) > 0) {
                return 1.0 / (i + 1);
            }
        }
        return 0;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
