package dev.gemrag.operators.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.OperatorIOMetricGroup;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/**
 * An operator metric group that keeps the counters a function registers, so a unit test can read
 * them (Flink's unregistered group hands out counters it forgets).
 */
public final class RecordingMetrics extends UnregisteredMetricsGroup
        implements OperatorMetricGroup {
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    @Override
    public Counter counter(String name) {
        return counter(name, new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        counters.put(name, counter);
        return counter;
    }

    /** The count of the counter registered under {@code name}. */
    public long count(String name) {
        Counter c = counters.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no counter '" + name + "' was registered");
        }
        return c.getCount();
    }

    @Override
    public OperatorIOMetricGroup getIOMetricGroup() {
        return UnregisteredMetricsGroup.createOperatorIOMetricGroup();
    }
}
