package dev.gemrag.operators.parse;

import dev.gemrag.connectors.records.DeadLetter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends one dead letter to the side output, counts it, and logs one line (never the payload). */
final class DeadLetterRouting {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRouting.class);

    private DeadLetterRouting() {}

    static void route(DeadLetter d, ProcessFunction<?, ?>.Context ctx, Counter counter) {
        counter.inc();
        LOG.warn(
                "dead letter {}-{}@{} ({}): {}",
                d.topic(),
                d.partition(),
                d.offset(),
                d.stage(),
                d.reason());
        ctx.output(DeadLetterOutput.TAG, d);
    }
}
