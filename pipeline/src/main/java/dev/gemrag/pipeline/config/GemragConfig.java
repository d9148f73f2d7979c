package dev.gemrag.pipeline.config;

import dev.gemrag.annotations.PublicApi;
import dev.gemrag.connectors.kafka.StartingOffsets;
import dev.gemrag.operators.chunk.Chunker;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The effective settings: defaults, then the YAML file, then GEMRAG_* environment variables, then
 * {@code --set key=value} from the command line (later wins). Every key and value is checked when
 * loaded; a wrong one is a {@link ConfigException} naming the key and where it came from.
 */
@PublicApi
public final class GemragConfig {
    private final Map<String, String> values;
    private final Map<String, String> origins;
    private final Configuration flink;

    private GemragConfig(Map<String, String> values, Map<String, String> origins) {
        this.values = values;
        this.origins = origins;
        this.flink = Configuration.fromMap(values);
        validate();
    }

    public static GemragConfig defaults() {
        return new GemragConfig(new LinkedHashMap<>(), new LinkedHashMap<>());
    }

    /**
     * @param yaml a YAML file or null
     * @param env the process environment (only GEMRAG_* names of known keys are read)
     * @param overrides key=value pairs from the command line
     */
    public static GemragConfig load(
            Path yaml, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        if (yaml != null) {
            readYaml(yaml).forEach((k, v) -> put(values, origins, k, v, yaml.toString()));
        }
        for (ConfigOption<?> o : GemragOptions.all()) {
            String name = GemragOptions.envName(o.key());
            if (env.containsKey(name)) {
                put(values, origins, o.key(), env.get(name), "environment variable " + name);
            }
        }
        overrides.forEach((k, v) -> put(values, origins, k, v, "--set"));
        return new GemragConfig(values, origins);
    }

    /** A copy with one more setting (as if given with --set). */
    public GemragConfig with(String key, String value) {
        return with(key, value, "code");
    }

    /**
     * A copy with one more setting, validated; an error names {@code origin} (e.g. the tool option
     * that set it).
     */
    public GemragConfig with(String key, String value, String origin) {
        Map<String, String> v = new LinkedHashMap<>(values);
        Map<String, String> o = new LinkedHashMap<>(origins);
        put(v, o, key, value, origin);
        return new GemragConfig(v, o);
    }

    public <T> T get(ConfigOption<T> option) {
        return flink.get(option);
    }

    /** The kafka.properties.* settings, without the prefix. */
    public Properties kafkaProperties() {
        Properties p = new Properties();
        values.forEach(
                (k, v) -> {
                    if (k.startsWith(GemragOptions.KAFKA_PROPERTIES_PREFIX)) {
                        p.setProperty(
                                k.substring(GemragOptions.KAFKA_PROPERTIES_PREFIX.length()), v);
                    }
                });
        return p;
    }

    /**
     * All settings as a Flink configuration (what the connectors' {@code configure(conf)} read).
     */
    public Configuration flinkConfiguration() {
        return flink.clone();
    }

    /** Explicitly set values (secrets included: do not log). */
    public Map<String, String> explicitValues() {
        return Map.copyOf(values);
    }

    private static void put(
            Map<String, String> values,
            Map<String, String> origins,
            String key,
            String value,
            String origin) {
        if (!isKnown(key)) {
            throw new ConfigException(
                    "unknown configuration key '"
                            + key
                            + "' (from "
                            + origin
                            + ")"
                            + suggestion(key));
        }
        if (value == null) {
            throw new ConfigException(
                    "configuration key '" + key + "' has no value (from " + origin + ")");
        }
        values.put(key, value);
        origins.put(key, origin);
    }

    private static boolean isKnown(String key) {
        if (key.startsWith(GemragOptions.KAFKA_PROPERTIES_PREFIX)
                && key.length() > GemragOptions.KAFKA_PROPERTIES_PREFIX.length()) {
            return true;
        }
        return GemragOptions.all().stream().anyMatch(o -> o.key().equals(key));
    }

    private static String suggestion(String key) {
        String section = key.contains(".") ? key.substring(0, key.indexOf('.') + 1) : key;
        List<String> near =
                GemragOptions.all().stream()
                        .map(ConfigOption::key)
                        .filter(k -> k.startsWith(section))
                        .toList();
        return near.isEmpty() ? "" : "; known keys there: " + String.join(", ", near);
    }

    private void validate() {
        for (ConfigOption<?> o : GemragOptions.all()) {
            Object v;
            try {
                v = flink.get(o);
            } catch (IllegalArgumentException e) {
                throw invalid(o.key(), expected(o));
            }
            if (v instanceof Integer i) {
                GemragOptions.Bounds b = GemragOptions.bounds(o);
                if (i < b.min() || i > b.max()) {
                    throw invalid(
                            o.key(),
                            b.max() == Integer.MAX_VALUE
                                    ? (b.min() == 1
                                            ? "must be positive"
                                            : "must be " + b.min() + " or more")
                                    : "must be in " + b.min() + ".." + b.max());
                }
            }
            if (v instanceof Duration d && d.isNegative()) {
                throw invalid(o.key(), "must not be negative");
            }
        }
        try {
            Chunker.validate(get(GemragOptions.CHUNK_SIZE), get(GemragOptions.CHUNK_OVERLAP));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    e.getMessage()
                            + origin(
                                    GemragOptions.CHUNK_SIZE.key(),
                                    GemragOptions.CHUNK_OVERLAP.key()));
        }
        try {
            StartingOffsets.parse(get(GemragOptions.KAFKA_STARTING_OFFSETS));
        } catch (IllegalArgumentException e) {
            throw invalid(GemragOptions.KAFKA_STARTING_OFFSETS.key(), e.getMessage());
        }
        if (get(GemragOptions.KAFKA_DELIVERY_GUARANTEE) == DeliveryGuarantee.EXACTLY_ONCE) {
            if (get(GemragOptions.CHECKPOINT_INTERVAL).isZero()) {
                throw new ConfigException(
                        "kafka.delivery-guarantee exactly-once needs checkpointing: set checkpoint.interval"
                                + " above 0"
                                + origin(
                                        GemragOptions.CHECKPOINT_INTERVAL.key(),
                                        GemragOptions.KAFKA_DELIVERY_GUARANTEE.key()));
            }
            if (get(GemragOptions.KAFKA_TRANSACTIONAL_ID_PREFIX).isBlank()) {
                throw invalid(
                        GemragOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key(),
                        "exactly-once needs a transactional id prefix");
            }
        }
        AnswerSamplingConfig.Problem p = AnswerSamplingConfig.check(this);
        if (p != null) {
            throw invalid(p.key(), p.why());
        }
    }

    private ConfigException invalid(String key, String why) {
        String v = values.get(key);
        return new ConfigException(
                "invalid value '" + v + "' for '" + key + "': " + why + origin(key));
    }

    private String origin(String... keys) {
        for (String k : keys) {
            if (origins.containsKey(k)) {
                return " (from " + origins.get(k) + ")";
            }
        }
        return "";
    }

    private static String expected(ConfigOption<?> o) {
        Object d = o.defaultValue();
        if (d instanceof Integer || d instanceof Long) {
            return "expected an integer";
        }
        if (d instanceof Float) {
            return "expected a number";
        }
        if (d instanceof Duration) {
            return "expected a duration such as '30 s', '500 ms' or '2 min'";
        }
        if (d instanceof Enum<?> e) {
            StringBuilder sb = new StringBuilder("expected one of");
            for (Object c : e.getDeclaringClass().getEnumConstants()) {
                sb.append(' ').append(c.toString().toLowerCase(java.util.Locale.ROOT));
            }
            return sb.toString();
        }
        return "cannot be parsed";
    }

    private static Map<String, String> readYaml(Path file) {
        Object root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (IOException e) {
            throw new ConfigException(
                    "cannot read configuration file " + file + ": " + e.getMessage());
        } catch (YAMLException e) {
            throw new ConfigException(
                    "configuration file "
                            + file
                            + " is not valid YAML: "
                            + e.getMessage().lines().findFirst().orElse(""));
        }
        Map<String, String> flat = new LinkedHashMap<>();
        if (root == null) {
            return flat;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException(
                    "configuration file " + file + " must be a mapping of keys to values");
        }
        flatten("", map, flat);
        return flat;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        map.forEach(
                (k, v) -> {
                    String key = prefix + k;
                    if (v instanceof Map<?, ?> inner) {
                        flatten(key + ".", inner, out);
                    } else if (v instanceof List<?>) {
                        throw new ConfigException(
                                "configuration key '"
                                        + key
                                        + "' must be a single value, not a list");
                    } else {
                        out.put(key, v == null ? null : String.valueOf(v));
                    }
                });
    }
}
