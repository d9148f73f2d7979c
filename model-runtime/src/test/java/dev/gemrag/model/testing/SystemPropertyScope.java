package dev.gemrag.model.testing;

/**
 * A system property set for the length of a try block, then restored to what it was (also when it
 * was unset): {@code try (var p = SystemPropertyScope.set(KEY, "fp32")) { ... }}.
 */
public final class SystemPropertyScope implements AutoCloseable {
    private final String key;
    private final String previous;

    private SystemPropertyScope(String key, String value) {
        this.key = key;
        this.previous = System.getProperty(key);
        System.setProperty(key, value);
    }

    public static SystemPropertyScope set(String key, String value) {
        return new SystemPropertyScope(key, value);
    }

    @Override
    public void close() {
        if (previous == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, previous);
        }
    }
}
