package dev.gemrag.operators.parse;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import dev.gemrag.connectors.kafka.ParsedQuestion;
import dev.gemrag.connectors.records.Question;

/**
 * Valid questions go on; dead letters go to {@link DeadLetterOutput#TAG} and are counted in the
 * {@value DeadLetterOutput#METRIC} counter.
 */
public final class ParsedQuestionSplitter extends ProcessFunction<ParsedQuestion, Question> {
    private static final long serialVersionUID = 1L;
    private transient Counter deadLetters;

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter(DeadLetterOutput.METRIC);
    }

    @Override
    public void processElement(ParsedQuestion in, Context ctx, Collector<Question> out) {
        if (in.isValid()) {
            out.collect(in.question);
        } else {
            DeadLetterRouting.route(in.deadLetter, ctx, deadLetters);
        }
    }
}
