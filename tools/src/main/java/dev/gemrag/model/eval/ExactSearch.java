package dev.gemrag.model.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** Brute-force cosine top-k over unit vectors (dot product). Ties broken by corpus order. */
public final class ExactSearch {
    private final List<String> ids;
    private final List<float[]> vectors;

    public ExactSearch(List<String> ids, List<float[]> vectors) {
        if (ids.size() != vectors.size()) {
            throw new IllegalArgumentException(
                    ids.size() + " ids but " + vectors.size() + " vectors");
        }
        this.ids = ids;
        this.vectors = vectors;
    }

    public List<String> topK(float[] query, int k) {
        record Hit(int index, double score) {}
        PriorityQueue<Hit> heap =
                new PriorityQueue<>(
                        (a, b) ->
                                a.score != b.score
                                        ? Double.compare(a.score, b.score)
                                        : Integer.compare(b.index, a.index));
        for (int i = 0; i < vectors.size(); i++) {
            double s = dot(query, vectors.get(i));
            heap.add(new Hit(i, s));
            if (heap.size() > k) {
                heap.poll();
            }
        }
        List<Hit> hits = new ArrayList<>(heap);
        hits.sort(
                (a, b) ->
                        a.score != b.score
                                ? Double.compare(b.score, a.score)
                                : Integer.compare(a.index, b.index));
        List<String> out = new ArrayList<>(hits.size());
        hits.forEach(h -> out.add(ids.get(h.index)));
        return out;
    }

    static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "vector dimensions differ: " + a.length + " vs " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
