package dev.gemrag.model.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Hard negatives for pair training: the passages that BM25 (k1 1.2, b 0.75) ranks highest for a
 * pair's query among the training pairs' own passages, skipping the pair's own passage, passages of
 * pairs with the same query, and near-duplicates of the positive (word-set Jaccard >= {@link
 * #NEAR_DUPLICATE}): those are likely false negatives. Deterministic (ties broken by index);
 * results cached per pair.
 */
public final class Bm25Negatives {
    static final double NEAR_DUPLICATE = 0.5;
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    private final List<String> queries;
    private final List<Set<String>> wordSets = new ArrayList<>();
    private final int[] lengths;
    private final double avgLength;
    private final Map<String, int[][]> postings = new HashMap<>(); // term -> {docs, tfs}
    private final Map<Integer, int[]> cache = new HashMap<>();

    public Bm25Negatives(List<String> queries, List<String> passages) {
        this.queries = queries;
        this.lengths = new int[passages.size()];
        Map<String, List<int[]>> building = new HashMap<>();
        long total = 0;
        for (int d = 0; d < passages.size(); d++) {
            List<String> words = words(passages.get(d));
            lengths[d] = words.size();
            total += words.size();
            wordSets.add(new HashSet<>(words));
            Map<String, Integer> tf = new HashMap<>();
            for (String w : words) {
                tf.merge(w, 1, Integer::sum);
            }
            for (var e : tf.entrySet()) {
                building.computeIfAbsent(e.getKey(), x -> new ArrayList<>())
                        .add(new int[] {d, e.getValue()});
            }
        }
        avgLength = passages.isEmpty() ? 1 : (double) total / passages.size();
        building.forEach(
                (term, list) -> {
                    int[] docs = new int[list.size()];
                    int[] tfs = new int[list.size()];
                    for (int i = 0; i < docs.length; i++) {
                        docs[i] = list.get(i)[0];
                        tfs[i] = list.get(i)[1];
                    }
                    postings.put(term, new int[][] {docs, tfs});
                });
    }

    /** Lower-cased runs of letters and digits. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ' ';
            if (Character.isLetterOrDigit(c)) {
                w.append(Character.toLowerCase(c));
            } else if (w.length() > 0) {
                out.add(w.toString());
                w.setLength(0);
            }
        }
        return out;
    }

    /** BM25 score of every passage for {@code query}. */
    double[] scores(String query) {
        double[] s = new double[lengths.length];
        int n = lengths.length;
        for (String term : new HashSet<>(words(query))) {
            int[][] p = postings.get(term);
            if (p == null) {
                continue;
            }
            double idf = Math.log(1 + (n - p[0].length + 0.5) / (p[0].length + 0.5));
            for (int i = 0; i < p[0].length; i++) {
                int d = p[0][i];
                double tf = p[1][i];
                s[d] += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[d] / avgLength));
            }
        }
        return s;
    }

    static double jaccard(Set<String> a, Set<String> b) {
        if (a.isEmpty() && b.isEmpty()) {
            return 1;
        }
        int inter = 0;
        for (String w : a) {
            if (b.contains(w)) {
                inter++;
            }
        }
        return (double) inter / (a.size() + b.size() - inter);
    }

    /** Up to {@code count} hard-negative passage indices for pair {@code pair}, best first. */
    public int[] forPair(int pair, int count) {
        int[] cached = cache.get(pair);
        if (cached != null && cached.length >= count) {
            return java.util.Arrays.copyOf(cached, count);
        }
        double[] s = scores(queries.get(pair));
        String ownQuery = queries.get(pair).toLowerCase(Locale.ROOT);
        List<Integer> picked = new ArrayList<>();
        boolean[] seen = new boolean[s.length];
        while (picked.size() < count) {
            int best = -1;
            for (int d = 0; d < s.length; d++) {
                if (!seen[d] && s[d] > 0 && (best < 0 || s[d] > s[best])) {
                    best = d;
                }
            }
            if (best < 0) {
                break;
            }
            seen[best] = true;
            if (best == pair
                    || queries.get(best).toLowerCase(Locale.ROOT).equals(ownQuery)
                    || jaccard(wordSets.get(best), wordSets.get(pair)) >= NEAR_DUPLICATE) {
                continue;
            }
            picked.add(best);
        }
        int[] out = picked.stream().mapToInt(Integer::intValue).toArray();
        cache.put(pair, out);
        return out;
    }
}
