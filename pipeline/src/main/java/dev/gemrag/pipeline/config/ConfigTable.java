package dev.gemrag.pipeline.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;

/**
 * The README's configuration table, generated from {@link GemragOptions} (run main to print it).
 */
public final class ConfigTable {
    private ConfigTable() {}

    public static String markdown() {
        StringBuilder sb =
                new StringBuilder(
                        "| key | default | environment | description |\n| --- | --- | --- | --- |\n");
        HtmlFormatter fmt = new HtmlFormatter();
        for (ConfigOption<?> o : GemragOptions.all()) {
            String def = o.hasDefaultValue() ? String.valueOf(o.defaultValue()) : "";
            if (o.defaultValue() instanceof Enum<?> e) {
                def = e.toString().toLowerCase(java.util.Locale.ROOT);
            } else if (o.defaultValue() instanceof java.time.Duration d) {
                def = org.apache.flink.util.TimeUtils.formatWithHighestUnit(d);
            }
            sb.append("| `")
                    .append(o.key())
                    .append("` | ")
                    .append(def.isEmpty() ? "(empty)" : "`" + def + "`")
                    .append(" | `")
                    .append(GemragOptions.envName(o.key()))
                    .append("` | ")
                    .append(fmt.format(o.description()).replace("|", "\\|"))
                    .append(" |\n");
        }
        sb.append(
                "| `kafka.properties.*` | | | Any Kafka client property, e.g. `kafka.properties.security.protocol`. |\n");
        return sb.toString();
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
