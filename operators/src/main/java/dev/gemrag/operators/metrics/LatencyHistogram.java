package dev.gemrag.operators.metrics;

import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/** Registers the sliding-window histograms the operators report (values in ms or counts). */
public final class LatencyHistogram {
    private static final int WINDOW = 1000;

    private LatencyHistogram() {}

    public static Histogram register(MetricGroup group, String name) {
        return group.histogram(name, new DescriptiveStatisticsHistogram(WINDOW));
    }
}
