package dev.gemrag.connectors.kafka;

import java.util.Map;
import java.util.Properties;

/**
 * Kafka client properties collected by the builders: copied, never logged (they may hold SASL
 * secrets).
 */
final class ClientProperties {
    static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

    private final Properties props = new Properties();

    void putAll(Map<?, ?> more) {
        if (more == null) {
            throw new IllegalArgumentException(
                    "Kafka client properties must not be null: pass an empty map instead");
        }
        for (Map.Entry<?, ?> e : more.entrySet()) {
            put(
                    String.valueOf(e.getKey()),
                    e.getValue() == null ? null : String.valueOf(e.getValue()));
        }
    }

    void put(String key, String value) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("a Kafka client property has an empty name");
        }
        if (value == null) {
            throw new IllegalArgumentException("Kafka client property '" + key + "' has no value");
        }
        props.setProperty(key, value);
    }

    String get(String key) {
        return props.getProperty(key);
    }

    Properties copy() {
        Properties p = new Properties();
        p.putAll(props);
        return p;
    }
}
