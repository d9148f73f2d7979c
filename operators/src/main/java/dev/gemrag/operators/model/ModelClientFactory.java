package dev.gemrag.operators.model;

import dev.gemrag.annotations.PublicApi;
import java.io.Serializable;

/**
 * Shipped with the job graph to every subtask; {@link #open()} runs in the task manager (in {@code
 * open()} of an operator) and hands out a client of the JVM-wide engine.
 */
@PublicApi
@FunctionalInterface
public interface ModelClientFactory extends Serializable {
    ModelClient open();
}
