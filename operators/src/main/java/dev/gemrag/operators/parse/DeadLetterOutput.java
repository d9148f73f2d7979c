package dev.gemrag.operators.parse;

import dev.gemrag.connectors.records.DeadLetter;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/**
 * The side output every gemrag operator sends its dead letters to, and the metric that counts them.
 */
public final class DeadLetterOutput {
    /** Side output of {@link DeadLetter}s; wire it to {@code KafkaSinks.deadLetters()}. */
    public static final OutputTag<DeadLetter> TAG =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    /**
     * Name of the counter, in each operator's metric group, of the records sent to {@link #TAG}.
     */
    public static final String METRIC = "deadLetters";

    private DeadLetterOutput() {}
}
