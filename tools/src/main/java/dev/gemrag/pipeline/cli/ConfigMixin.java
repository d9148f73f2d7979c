package dev.gemrag.pipeline.cli;

import dev.gemrag.pipeline.config.GemragConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * --config FILE and --set key=value, shared by the commands that talk to Kafka, Milvus or the
 * model.
 */
public final class ConfigMixin {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description =
                    "YAML configuration (keys in README 'Configuration'); GEMRAG_* environment variables override it.")
    Path file;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Override one configuration key (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    public GemragConfig load() {
        return GemragConfig.load(file, System.getenv(), overrides);
    }
}
