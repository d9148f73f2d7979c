package dev.gemrag.model.engine;

/** A request reached an engine that is closed, or was still queued when it closed. */
public final class EngineClosedException extends IllegalStateException {
    public EngineClosedException(String message) {
        super(message);
    }
}
