package dev.gemrag.connectors.milvus;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Where Milvus is: serializable, so Flink functions carry it and connect in open(). The client does
 * not retry on its own: the sink's bounded backoff is the single retry policy.
 */
public final class MilvusConnection implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String uri;
    private final String token;
    private final String database;
    private final Duration requestTimeout;

    public MilvusConnection(String uri, String token, String database, Duration requestTimeout) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.token = token;
        this.database = database;
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "milvus.request-timeout must be positive, got " + requestTimeout);
        }
        this.requestTimeout = requestTimeout;
    }

    public static MilvusConnection of(String uri) {
        return new MilvusConnection(uri, null, null, MilvusOptions.REQUEST_TIMEOUT.defaultValue());
    }

    public static MilvusConnection fromConfig(ReadableConfig config) {
        return new MilvusConnection(
                config.get(MilvusOptions.URI),
                config.getOptional(MilvusOptions.TOKEN).orElse(null),
                config.getOptional(MilvusOptions.DATABASE).orElse(null),
                config.get(MilvusOptions.REQUEST_TIMEOUT));
    }

    /** The same server with another per-call deadline. */
    public MilvusConnection withRequestTimeout(Duration timeout) {
        return new MilvusConnection(uri, token, database, timeout);
    }

    public String uri() {
        return uri;
    }

    /** Opens a client (it connects at once); the caller closes it. */
    public MilvusClientV2 connect() {
        ConnectConfig.ConnectConfigBuilder b =
                ConnectConfig.builder()
                        .uri(uri)
                        .connectTimeoutMs(10_000)
                        // per call: the SDK's stubs wait for a ready connection, so without it a
                        // call to a
                        // stopped server would block forever instead of failing into our retry
                        .rpcDeadlineMs(requestTimeout.toMillis());
        if (token != null && !token.isEmpty()) {
            b.token(token);
        }
        if (database != null && !database.isEmpty()) {
            b.dbName(database);
        }
        MilvusClientV2 client = new MilvusClientV2(b.build());
        client.retryConfig(RetryConfig.builder().maxRetryTimes(1).build());
        return client;
    }

    @Override
    public String toString() { // no token: logs must not carry secrets
        return uri + (database == null ? "" : "/" + database);
    }
}
