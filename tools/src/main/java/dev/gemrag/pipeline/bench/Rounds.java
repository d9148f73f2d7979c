package dev.gemrag.pipeline.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One benchmark metric over rounds that alternate the reference and ours: the medians of each side
 * and of the rounds' own ratios (ours / reference), so that a load change that hits one round
 * shifts one ratio, not the summary. A missing reference value (NaN) makes the reference and the
 * ratios NaN.
 */
public final class Rounds {
    private final List<double[]> pairs = new ArrayList<>(); // {ours, reference}

    public void add(double ours, double reference) {
        pairs.add(new double[] {ours, reference});
    }

    public int count() {
        return pairs.size();
    }

    public double ours() {
        return median(pairs.stream().mapToDouble(p -> p[0]).toArray());
    }

    public double reference() {
        return median(pairs.stream().mapToDouble(p -> p[1]).toArray());
    }

    /** The latest round as "ours / reference = ratio" (tokens/s, one decimal). */
    public String last() {
        double[] p = pairs.get(pairs.size() - 1);
        return String.format(Locale.ROOT, "%.1f / %.1f = %.2fx", p[0], p[1], p[0] / p[1]);
    }

    /** Median of the rounds' ratios (not the ratio of the medians). */
    public double ratio() {
        return median(ratios());
    }

    public double minRatio() {
        return Arrays.stream(ratios()).min().orElse(Double.NaN);
    }

    public double maxRatio() {
        return Arrays.stream(ratios()).max().orElse(Double.NaN);
    }

    private double[] ratios() {
        return pairs.stream().mapToDouble(p -> p[0] / p[1]).toArray();
    }

    /** Median; the mean of the middle two for an even count; NaN if empty or any value is NaN. */
    static double median(double[] values) {
        if (values.length == 0 || Arrays.stream(values).anyMatch(Double::isNaN)) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
