package dev.gemrag.model.fetch;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An environment variable that was renamed to match its configuration key (GEMRAG_MODEL became
 * GEMRAG_MODEL_PATH, the name {@code model.path} has everywhere else): the new name wins, the old
 * one still works with a one-line deprecation warning (once per JVM and name).
 */
public record RenamedEnv(String name, String oldName) {
    private static final Logger LOG = LoggerFactory.getLogger(RenamedEnv.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    /** The value from the process environment, or null. */
    public String read() {
        return read(System.getenv());
    }

    /** The value under the new name, else under the old one (warned), else null. */
    public String read(Map<String, String> env) {
        String v = env.get(name);
        if (v != null && !v.isBlank()) {
            return v;
        }
        String old = env.get(oldName);
        if (old != null && !old.isBlank()) {
            if (WARNED.add(oldName)) {
                LOG.warn(
                        "${} is deprecated, use ${} (the environment name of the same configuration key)",
                        oldName,
                        name);
            }
            return old;
        }
        return null;
    }

    /** The name a message should cite for a value that came from env. */
    public String source(Map<String, String> env) {
        String v = env.get(name);
        return v != null && !v.isBlank() ? name : oldName;
    }
}
