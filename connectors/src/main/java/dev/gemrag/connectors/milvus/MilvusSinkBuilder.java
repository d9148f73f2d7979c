package dev.gemrag.connectors.milvus;

import dev.gemrag.connectors.milvus.internal.SinkSettings;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Builds a {@link MilvusSink}. Connection and collection are required; batching and retry default
 * to {@link MilvusOptions}.
 *
 * <pre>{@code
 * MilvusSink sink = MilvusSink.builder()
 *         .setConnection(MilvusConnection.fromConfig(conf))
 *         .setCollection(CollectionSpec.builder(modelId, dim).configure(conf).build())
 *         .configure(conf)                         // milvus.sink.* keys
 *         .setBatchMaxRows(500)
 *         .build();
 * }</pre>
 */
public final class MilvusSinkBuilder {
    private MilvusConnection connection;
    private CollectionSpec collection;
    private final Configuration config = new Configuration();

    MilvusSinkBuilder() {}

    public MilvusSinkBuilder setConnection(MilvusConnection connection) {
        this.connection = connection;
        return this;
    }

    public MilvusSinkBuilder setUri(String uri) {
        return setConnection(MilvusConnection.of(uri));
    }

    public MilvusSinkBuilder setCollection(CollectionSpec collection) {
        this.collection = collection;
        return this;
    }

    /** Takes the milvus.sink.* and milvus.field.overflow keys that are set in the configuration. */
    public MilvusSinkBuilder configure(ReadableConfig conf) {
        MilvusOptions.copySet(
                conf,
                config,
                MilvusOptions.SINK_BATCH_ROWS,
                MilvusOptions.SINK_BATCH_INTERVAL,
                MilvusOptions.SINK_MAX_RETRIES,
                MilvusOptions.SINK_RETRY_INITIAL_BACKOFF,
                MilvusOptions.SINK_RETRY_MAX_BACKOFF,
                MilvusOptions.FIELD_OVERFLOW);
        return this;
    }

    public MilvusSinkBuilder setBatchMaxRows(int rows) {
        config.set(MilvusOptions.SINK_BATCH_ROWS, rows);
        return this;
    }

    public MilvusSinkBuilder setBatchMaxInterval(Duration interval) {
        config.set(MilvusOptions.SINK_BATCH_INTERVAL, interval);
        return this;
    }

    public MilvusSinkBuilder setRetries(
            int maxRetries, Duration initialBackoff, Duration maxBackoff) {
        config.set(MilvusOptions.SINK_MAX_RETRIES, maxRetries);
        config.set(MilvusOptions.SINK_RETRY_INITIAL_BACKOFF, initialBackoff);
        config.set(MilvusOptions.SINK_RETRY_MAX_BACKOFF, maxBackoff);
        return this;
    }

    public MilvusSinkBuilder setFieldOverflow(FieldOverflow overflow) {
        config.set(MilvusOptions.FIELD_OVERFLOW, overflow);
        return this;
    }

    public MilvusSink build() {
        SinkSettings settings = sanityCheck();
        return new MilvusSink(connection, collection, settings);
    }

    private SinkSettings sanityCheck() {
        if (connection == null) {
            throw new IllegalArgumentException(
                    "MilvusSink needs a connection: call setConnection(...) or setUri(...)");
        }
        if (collection == null) {
            throw new IllegalArgumentException(
                    "MilvusSink needs a collection: call setCollection(CollectionSpec"
                            + ".builder(modelId, dimension).build())");
        }
        int rows = config.get(MilvusOptions.SINK_BATCH_ROWS);
        if (rows < 1 || rows > 100_000) {
            throw new IllegalArgumentException(
                    "milvus.sink.batch.max-rows must be in 1..100000, got " + rows);
        }
        Duration interval = config.get(MilvusOptions.SINK_BATCH_INTERVAL);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException(
                    "milvus.sink.batch.max-interval must be positive, got " + interval);
        }
        int retries = config.get(MilvusOptions.SINK_MAX_RETRIES);
        if (retries < 0 || retries > 100) {
            throw new IllegalArgumentException(
                    "milvus.sink.retry.max-retries must be in 0..100, got " + retries);
        }
        Duration initial = config.get(MilvusOptions.SINK_RETRY_INITIAL_BACKOFF);
        Duration max = config.get(MilvusOptions.SINK_RETRY_MAX_BACKOFF);
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException(
                    "milvus.sink.retry.initial-backoff must be positive and at most "
                            + "milvus.sink.retry.max-backoff, got "
                            + initial
                            + " and "
                            + max);
        }
        return new SinkSettings(
                rows, interval, retries, initial, max, config.get(MilvusOptions.FIELD_OVERFLOW));
    }
}
