package dev.gemrag.operators.testing;

import java.util.HashMap;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobInfoImpl;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.functions.util.RuntimeUDFContext;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/** A runtime context for calling a rich function directly in a unit test. */
public final class DirectRuntime {
    private DirectRuntime() {}

    public static RuntimeContext context() {
        return context(UnregisteredMetricsGroup.createOperatorMetricGroup());
    }

    /** A runtime context whose metrics go to {@code metrics} (e.g. {@link RecordingMetrics}). */
    public static RuntimeContext context(OperatorMetricGroup metrics) {
        return new RuntimeUDFContext(
                new JobInfoImpl(new JobID(), "test"),
                new TaskInfoImpl("test", 1, 0, 1, 0),
                DirectRuntime.class.getClassLoader(),
                new ExecutionConfig(),
                new HashMap<>(),
                new HashMap<>(),
                metrics);
    }
}
