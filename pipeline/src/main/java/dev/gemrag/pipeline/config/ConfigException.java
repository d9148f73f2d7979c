package dev.gemrag.pipeline.config;

/** A wrong key or value, described in one line that names it and where it was set. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
