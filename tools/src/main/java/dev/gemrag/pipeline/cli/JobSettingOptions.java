package dev.gemrag.pipeline.cli;

import dev.gemrag.pipeline.config.GemragConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Command options that each set one key of the job's configuration, for a tool that runs part of
 * the job outside it (eval: chunking and hybrid retrieval). One table from option name to key
 * declares them: the help is the key's own description and default, and the value is parsed and
 * bounded by the job's configuration, so the tool accepts what the job accepts, with the same
 * one-line errors (naming the option).
 *
 * <pre>{@code
 * static final JobSettingOptions SETTINGS =
 *         new JobSettingOptions(Map.entry("--chunk-size", GemragOptions.CHUNK_SIZE));
 * // in the command's model transformer: SETTINGS.addTo(spec); in call(): SETTINGS.config(spec)
 * }</pre>
 */
public final class JobSettingOptions {
    private final Map<String, ConfigOption<?>> keys;

    /**
     * @param keys option name ("--rrf-k") and the configuration key it sets, in help order
     */
    @SafeVarargs
    public JobSettingOptions(Map.Entry<String, ? extends ConfigOption<?>>... keys) {
        this.keys = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends ConfigOption<?>> k : keys) {
            if (this.keys.put(k.getKey(), k.getValue()) != null) {
                throw new IllegalArgumentException("option " + k.getKey() + " is declared twice");
            }
        }
    }

    /** Declares the options on a command (from its picocli model transformer). */
    public CommandSpec addTo(CommandSpec spec) {
        HtmlFormatter text = new HtmlFormatter();
        keys.forEach(
                (name, key) ->
                        spec.addOption(
                                OptionSpec.builder(name)
                                        .paramLabel(key.key())
                                        .type(String.class)
                                        .description(
                                                text.format(key.description())
                                                        + " (default: "
                                                        + shown(key.defaultValue())
                                                        + ")")
                                        .build()));
        return spec;
    }

    /** The job's configuration with the values given to these options (the others: defaults). */
    public GemragConfig config(CommandSpec spec) {
        GemragConfig config = GemragConfig.defaults();
        for (Map.Entry<String, ConfigOption<?>> e : keys.entrySet()) {
            String value = spec.findOption(e.getKey()).getValue();
            if (value != null) {
                config = config.with(e.getValue().key(), value, e.getKey());
            }
        }
        return config;
    }

    private static String shown(Object value) {
        return value instanceof Enum<?> e
                ? e.name().toLowerCase(Locale.ROOT)
                : String.valueOf(value);
    }
}
