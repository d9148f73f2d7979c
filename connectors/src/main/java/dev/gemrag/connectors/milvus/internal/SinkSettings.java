package dev.gemrag.connectors.milvus.internal;

import dev.gemrag.connectors.milvus.FieldOverflow;
import java.io.Serializable;
import java.time.Duration;

/** Batching, retry and field-overflow settings of the sink writer (checked by the sink builder). */
public record SinkSettings(
        int batchMaxRows,
        Duration batchMaxInterval,
        int maxRetries,
        Duration initialBackoff,
        Duration maxBackoff,
        FieldOverflow overflow) implements Serializable {
}
