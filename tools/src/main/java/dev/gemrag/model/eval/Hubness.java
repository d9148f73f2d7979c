package dev.gemrag.model.eval;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * How much one document dominates the rankings: the share of queries whose top 3 holds the single
 * document that appears most often in all top 3 lists (a "hub", e.g. a chunk that tops unrelated
 * questions). 1/queries is the floor when every top 3 is different; 1.0 means one document is in
 * all.
 */
public final class Hubness {
    public static final int DEPTH = 3;

    private Hubness() {}

    /**
     * @param rankings one ranked document list per query (only the first {@link #DEPTH} count)
     */
    public static double topDocumentShare(List<List<String>> rankings) {
        if (rankings.isEmpty()) {
            return 0;
        }
        Map<String, Integer> count = new HashMap<>();
        for (List<String> r : rankings) {
            for (String doc : new HashSet<>(r.subList(0, Math.min(DEPTH, r.size())))) {
                count.merge(doc, 1, Integer::sum);
            }
        }
        int most = count.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return (double) most / rankings.size();
    }
}
