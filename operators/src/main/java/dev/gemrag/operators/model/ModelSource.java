package dev.gemrag.operators.model;

import dev.gemrag.model.LanguageModel;
import java.io.Serializable;

/** Which model to load and how: shipped with the job, {@link #load()} runs in the task manager. */
public interface ModelSource extends Serializable {
    /** Identifies the loaded model in the JVM-wide engine registry: equal keys share one copy. */
    String key();

    LanguageModel load();
}
