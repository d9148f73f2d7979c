package dev.gemrag.connectors.milvus.internal;

import dev.gemrag.connectors.milvus.FieldOverflow;
import java.io.Serializable;
import java.time.Duration;

/**
 * Batching, retry and field-overflow settings of the sink writer (checked by the sink builder).
 *
 * @param staleLookupLimit most rows one lookup of a batch's existing chunks may return (Milvus'
 *     query window); beyond it the writer deletes by expression instead
 */
public record SinkSettings(
        int batchMaxRows,
        Duration batchMaxInterval,
        int maxRetries,
        Duration initialBackoff,
        Duration maxBackoff,
        FieldOverflow overflow,
        int staleLookupLimit)
        implements Serializable {

    /** Milvus' maximum query result window. */
    public static final int MILVUS_QUERY_LIMIT = 16384;

    public SinkSettings(
            int batchMaxRows,
            Duration batchMaxInterval,
            int maxRetries,
            Duration initialBackoff,
            Duration maxBackoff,
            FieldOverflow overflow) {
        this(
                batchMaxRows,
                batchMaxInterval,
                maxRetries,
                initialBackoff,
                maxBackoff,
                overflow,
                MILVUS_QUERY_LIMIT);
    }
}
