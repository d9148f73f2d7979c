package dev.gemrag.connectors.milvus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.connectors.milvus.MilvusWriteException;
import io.milvus.shaded.io.grpc.Status;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedRetryTest {
    static final MilvusClientException DOWN =
            new MilvusClientException(ErrorCode.RPC_ERROR, "UNAVAILABLE: io exception");

    @Test
    void retriesTransientErrorsThenSucceeds() throws Exception {
        BoundedRetry r = new BoundedRetry("c1", 3, Duration.ofMillis(1), Duration.ofMillis(4));
        AtomicInteger calls = new AtomicInteger();
        String out =
                r.call(
                        "upsert",
                        () -> {
                            if (calls.incrementAndGet() < 3) {
                                throw DOWN;
                            }
                            return "ok";
                        });
        assertThat(out).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(r.retries()).isEqualTo(2);
    }

    @Test
    void givesUpAfterTheBoundNamingCollectionAndError() {
        BoundedRetry r =
                new BoundedRetry("gemrag_x_d3", 2, Duration.ofMillis(1), Duration.ofMillis(2));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(
                        () ->
                                r.call(
                                        "upsert of 5 rows",
                                        () -> {
                                            calls.incrementAndGet();
                                            throw DOWN;
                                        }))
                .isInstanceOf(MilvusWriteException.class)
                .hasMessage(
                        "Milvus upsert of 5 rows on collection 'gemrag_x_d3' "
                                + "still failing after 3 attempts, giving up: UNAVAILABLE: io exception");
        assertThat(calls).hasValue(3);
    }

    @Test
    void permanentErrorsFailAtOnce() {
        BoundedRetry r = new BoundedRetry("c", 5, Duration.ofMillis(1), Duration.ofMillis(2));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(
                        () ->
                                r.call(
                                        "delete",
                                        () -> {
                                            calls.incrementAndGet();
                                            throw new MilvusClientException(
                                                    ErrorCode.SERVER_ERROR,
                                                    "unknown field 'x'",
                                                    1100,
                                                    0);
                                        }))
                .hasMessage("Milvus delete on collection 'c' failed: unknown field 'x'");
        assertThat(calls).hasValue(1);
        assertThat(
                        BoundedRetry.isTransient(
                                new MilvusClientException(ErrorCode.RPC_ERROR, "UNIMPLEMENTED: x")))
                .isFalse();
        assertThat(
                        BoundedRetry.isTransient(
                                new MilvusClientException(ErrorCode.SERVER_ERROR, "rate", 8, 0)))
                .isTrue();
        assertThat(BoundedRetry.isTransient(new IllegalArgumentException("x"))).isFalse();
    }

    @Test
    void aServerGoingAwayMidCallIsTransientOtherUnknownsAreNot() {
        // what the SDK reported when Milvus Lite was stopped during an upsert (issue 11)
        assertThat(
                        BoundedRetry.isTransient(
                                new MilvusClientException(
                                        ErrorCode.RPC_ERROR, "UNKNOWN: channel closed")))
                .isTrue();
        assertThat(
                        BoundedRetry.isTransient(
                                new MilvusClientException(
                                        ErrorCode.RPC_ERROR,
                                        "UNAVAILABLE: io exception: Connection refused: /127.0.0.1:19530")))
                .isTrue();
        assertThat(
                        BoundedRetry.isTransient(
                                new MilvusClientException(
                                        ErrorCode.RPC_ERROR,
                                        "DEADLINE_EXCEEDED: deadline exceeded after 1.99s")))
                .isTrue();
        assertThat(BoundedRetry.isTransient(grpc(Status.UNKNOWN.withDescription("channel closed"))))
                .isTrue();
        assertThat(
                        BoundedRetry.isTransient(
                                grpc(Status.UNKNOWN.withCause(new ClosedChannelException()))))
                .isTrue();
        assertThat(
                        BoundedRetry.isTransient(
                                grpc(
                                        Status.UNKNOWN.withCause(
                                                new java.net.SocketException("Connection reset")))))
                .isTrue();
        assertThat(BoundedRetry.isTransient(grpc(Status.UNAVAILABLE))).isTrue();
        // an UNKNOWN the server itself returned says nothing about the connection: not retried
        assertThat(
                        BoundedRetry.isTransient(
                                grpc(Status.UNKNOWN.withDescription("field 'x' not found"))))
                .isFalse();
        assertThat(
                        BoundedRetry.isTransient(
                                new MilvusClientException(
                                        ErrorCode.RPC_ERROR, "UNKNOWN: bad plan")))
                .isFalse();
        assertThat(
                        BoundedRetry.isTransient(
                                grpc(Status.INVALID_ARGUMENT.withDescription("channel closed"))))
                .isFalse();
    }

    @Test
    void retriesAChannelClosedUntilTheServerAnswers() throws Exception {
        BoundedRetry r = new BoundedRetry("c", 4, Duration.ofMillis(1), Duration.ofMillis(2));
        AtomicInteger calls = new AtomicInteger();
        assertThat(
                        r.call(
                                "upsert",
                                () -> {
                                    if (calls.incrementAndGet() < 4) {
                                        throw new MilvusClientException(
                                                ErrorCode.RPC_ERROR, "UNKNOWN: channel closed");
                                    }
                                    return 1;
                                }))
                .isEqualTo(1);
        assertThat(r.retries()).isEqualTo(3);
    }

    private static MilvusClientException grpc(Status status) {
        MilvusClientException e =
                new MilvusClientException(
                        ErrorCode.RPC_ERROR, status.getCode() + ": " + status.getDescription());
        e.initCause(status.asRuntimeException());
        return e;
    }
}
