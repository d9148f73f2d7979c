package dev.gemrag.pipeline.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Nearest-rank percentiles of a sample. */
public final class Percentiles {
    private final List<Double> values = new ArrayList<>();

    public synchronized void add(double v) {
        values.add(v);
    }

    public synchronized int count() {
        return values.size();
    }

    public synchronized double p(double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int rank = (int) Math.ceil(q / 100.0 * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }
}
