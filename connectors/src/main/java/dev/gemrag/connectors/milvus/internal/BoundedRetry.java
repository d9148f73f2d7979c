package dev.gemrag.connectors.milvus.internal;

import dev.gemrag.connectors.milvus.MilvusWriteException;
import io.milvus.shaded.io.grpc.Status;
import io.milvus.shaded.io.grpc.StatusRuntimeException;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.flink.util.concurrent.ExponentialBackoffRetryStrategy;
import org.apache.flink.util.concurrent.RetryStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Milvus call, retrying transient failures (server unreachable or gone mid-call, deadline,
 * rate limit) with exponential backoff (Flink's {@link ExponentialBackoffRetryStrategy}), and
 * giving up loudly after the bound. Other errors (bad schema, bad expression) fail at once:
 * retrying cannot fix them. Safe only for idempotent calls, which every sink write is (upsert by
 * primary key, delete by filter).
 */
public final class BoundedRetry {
    private static final Logger LOG = LoggerFactory.getLogger(BoundedRetry.class);

    /** Server down or restarting, deadline hit, overloaded: worth another attempt. */
    private static final Set<Status.Code> TRANSIENT_GRPC =
            EnumSet.of(
                    Status.Code.UNAVAILABLE,
                    Status.Code.DEADLINE_EXCEEDED,
                    Status.Code.RESOURCE_EXHAUSTED,
                    Status.Code.ABORTED,
                    Status.Code.CANCELLED);

    /**
     * gRPC reports a connection the server dropped mid-call (a server going away) as UNKNOWN with
     * the transport's words, e.g. {@code UNKNOWN: channel closed}: transient, unlike other
     * UNKNOWNs.
     */
    private static final List<String> CONNECTION_LOST =
            List.of(
                    "channel closed",
                    "connection reset",
                    "connection refused",
                    "broken pipe",
                    "connection closed",
                    "goaway",
                    "io exception");

    private final String collection;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private long retries;

    public BoundedRetry(
            String collection, int maxRetries, Duration initialBackoff, Duration maxBackoff) {
        this.collection = collection;
        this.maxRetries = maxRetries;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /** Retries done so far (a metric). */
    public long retries() {
        return retries;
    }

    public <T> T call(String what, Supplier<T> op)
            throws MilvusWriteException, InterruptedException {
        RetryStrategy strategy =
                new ExponentialBackoffRetryStrategy(maxRetries, initialBackoff, maxBackoff);
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                return op.get();
            } catch (RuntimeException e) {
                if (!isTransient(e)) {
                    throw new MilvusWriteException(
                            "Milvus "
                                    + what
                                    + " on collection '"
                                    + collection
                                    + "' failed: "
                                    + e.getMessage(),
                            e);
                }
                if (strategy.getNumRemainingRetries() <= 0) {
                    throw new MilvusWriteException(
                            "Milvus "
                                    + what
                                    + " on collection '"
                                    + collection
                                    + "' still failing after "
                                    + attempt
                                    + " attempts, giving up: "
                                    + e.getMessage(),
                            e);
                }
                Duration delay = strategy.getRetryDelay();
                LOG.warn(
                        "Milvus {} on collection '{}' failed (attempt {}): {}; retrying in {} ms",
                        what,
                        collection,
                        attempt,
                        e.getMessage(),
                        delay.toMillis());
                retries++;
                Thread.sleep(delay.toMillis());
                strategy = strategy.getNextRetryStrategy();
            }
        }
    }

    /** Transient: the server could not be reached or was busy; not: the request itself is wrong. */
    public static boolean isTransient(Throwable e) {
        if (!(e instanceof MilvusClientException mce)) {
            return false;
        }
        if (mce.getErrorCode() == ErrorCode.TIMEOUT) {
            return true;
        }
        if (mce.getServerErrCode() == 8) { // rate limited
            return true;
        }
        if (mce.getErrorCode() == ErrorCode.RPC_ERROR) {
            for (Throwable t = mce; t != null; t = t.getCause()) {
                if (t instanceof StatusRuntimeException sre) {
                    Status.Code code = sre.getStatus().getCode();
                    return TRANSIENT_GRPC.contains(code)
                            || code == Status.Code.UNKNOWN
                                    && (connectionLost(sre.getMessage()) || lostBy(sre.getCause()));
                }
            }
            String m =
                    String.valueOf(
                            mce.getMessage()); // no cause kept: the SDK puts the status in the text
            return TRANSIENT_GRPC.stream().anyMatch(code -> m.startsWith(code.name()))
                    || m.startsWith(Status.Code.UNKNOWN.name()) && connectionLost(m);
        }
        return false;
    }

    private static boolean connectionLost(String message) {
        String m = String.valueOf(message).toLowerCase(Locale.ROOT);
        return CONNECTION_LOST.stream().anyMatch(m::contains);
    }

    /** A cause chain ending in a socket-level failure (closed channel, reset, refused). */
    private static boolean lostBy(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ClosedChannelException
                    || t instanceof ConnectException
                    || t instanceof SocketException
                    || connectionLost(t.getMessage())) {
                return true;
            }
        }
        return false;
    }
}
