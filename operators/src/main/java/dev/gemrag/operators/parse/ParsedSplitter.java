package dev.gemrag.operators.parse;

import dev.gemrag.connectors.kafka.Parsed;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Valid records go on; dead letters go to {@link DeadLetterOutput#TAG} and are counted in the
 * {@value DeadLetterOutput#METRIC} counter. One class for documents and questions alike.
 */
public final class ParsedSplitter<P extends Parsed<T>, T> extends ProcessFunction<P, T> {
    private static final long serialVersionUID = 1L;
    private transient Counter deadLetters;

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter(DeadLetterOutput.METRIC);
    }

    @Override
    public void processElement(P in, Context ctx, Collector<T> out) {
        if (in.isValid()) {
            out.collect(in.value());
        } else {
            DeadLetterRouting.route(in.deadLetter(), ctx, deadLetters);
        }
    }
}
