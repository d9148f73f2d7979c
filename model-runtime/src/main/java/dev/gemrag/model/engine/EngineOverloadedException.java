package dev.gemrag.model.engine;

import java.util.concurrent.RejectedExecutionException;

/** The engine's queue is full and its policy is REJECT: the caller should back off and retry. */
public final class EngineOverloadedException extends RejectedExecutionException {
    public EngineOverloadedException(String message) {
        super(message);
    }
}
