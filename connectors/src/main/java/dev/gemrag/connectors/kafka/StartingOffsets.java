package dev.gemrag.connectors.kafka;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Where a source starts when the job has no checkpoint to restore (a restore always resumes from
 * the offsets in the checkpoint).
 */
public enum StartingOffsets {
    /**
     * The group's committed offsets; partitions without one start at the earliest offset. The
     * default.
     */
    COMMITTED_OR_EARLIEST("committed-or-earliest"),
    /** The group's committed offsets; partitions without one start at the latest offset. */
    COMMITTED_OR_LATEST("committed-or-latest"),
    /** The earliest offset, ignoring committed offsets (re-reads the whole topic). */
    EARLIEST("earliest"),
    /** The latest offset: only records produced after the job starts. */
    LATEST("latest");

    private final String configValue;

    StartingOffsets(String configValue) {
        this.configValue = configValue;
    }

    /** The name used in configuration files and on the command line. */
    public String configValue() {
        return configValue;
    }

    @SuppressWarnings("deprecation") // OffsetResetStrategy is what the connector's API takes
    public OffsetsInitializer toInitializer() {
        switch (this) {
            case COMMITTED_OR_EARLIEST:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case COMMITTED_OR_LATEST:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            default:
                throw new AssertionError(this);
        }
    }

    /** Parses a {@link #configValue()} (case-insensitive); the error lists the accepted values. */
    public static StartingOffsets parse(String value) {
        for (StartingOffsets s : values()) {
            if (s.configValue.equalsIgnoreCase(value == null ? "" : value.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown starting offsets '"
                        + value
                        + "': use one of "
                        + Arrays.stream(values())
                                .map(StartingOffsets::configValue)
                                .collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return configValue;
    }
}
