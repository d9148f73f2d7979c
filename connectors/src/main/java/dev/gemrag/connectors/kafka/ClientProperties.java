package dev.gemrag.connectors.kafka;

import java.util.Map;
import java.util.Properties;

/**
 * Kafka client properties collected by the builders: copied, never logged (they may hold SASL
 * secrets). Also holds the builders' explicit bootstrap servers, which override the property.
 */
final class ClientProperties {
    static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

    private final Properties props = new Properties();
    private String bootstrapServers;

    /** "host:port[,host:port]"; null falls back to the 'bootstrap.servers' property. */
    void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Fails, naming the fix, when neither the builder nor the properties name a server. */
    void checkBootstrapServers() {
        String servers = bootstrapServers();
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException(
                    "Kafka bootstrap servers are not set: call setBootstrapServers(\"host:9092\")"
                            + " or give the 'bootstrap.servers' property");
        }
    }

    private String bootstrapServers() {
        return bootstrapServers != null ? bootstrapServers : get(BOOTSTRAP_SERVERS);
    }

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

    /** A copy with 'bootstrap.servers' resolved; call {@link #checkBootstrapServers()} first. */
    Properties copy() {
        Properties p = new Properties();
        p.putAll(props);
        p.setProperty(BOOTSTRAP_SERVERS, bootstrapServers());
        return p;
    }
}
