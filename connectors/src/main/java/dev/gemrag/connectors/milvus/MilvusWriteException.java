package dev.gemrag.connectors.milvus;

import java.io.IOException;

/**
 * A write the sink could not complete; fails the job with the collection and the cause in the
 * message.
 */
public final class MilvusWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    public MilvusWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
