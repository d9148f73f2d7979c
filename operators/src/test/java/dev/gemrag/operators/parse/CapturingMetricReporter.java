package dev.gemrag.operators.parse;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/** Test metric reporter: keeps every registered counter named {@link DeadLetterOutput#METRIC}. */
public final class CapturingMetricReporter implements MetricReporter, MetricReporterFactory {
    static final List<Counter> DEAD_LETTER_COUNTERS = new CopyOnWriteArrayList<>();

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new CapturingMetricReporter();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (name.equals(DeadLetterOutput.METRIC) && metric instanceof Counter c) {
            DEAD_LETTER_COUNTERS.add(c);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

    static long deadLetterCount() {
        return DEAD_LETTER_COUNTERS.stream().mapToLong(Counter::getCount).sum();
    }
}
