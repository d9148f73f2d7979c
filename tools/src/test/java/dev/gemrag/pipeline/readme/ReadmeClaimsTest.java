package dev.gemrag.pipeline.readme;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.pipeline.cli.GemragCli;
import dev.gemrag.pipeline.config.ConfigException;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.GemragOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every configuration key README.md names is accepted by the configuration parser, every YAML block
 * in it loads, and every {@code ./gemrag <command> [--option]} it shows exists in the CLI. Keys and
 * commands come from {@link GemragOptions} and picocli's command specs, never from a list here, so
 * commands and keys added later are checked the same way.
 */
class ReadmeClaimsTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern FENCE = Pattern.compile("(?s)```([a-z]*)\\n(.*?)```");
    private static final Pattern INLINE = Pattern.compile("`([^`]+)`");

    /**
     * section.name[.more], optionally "key: value" or "key=value"; braces and * are
     * expanded/matched.
     */
    private static final Pattern KEY =
            Pattern.compile(
                    "^([a-z][a-z0-9-]*(?:\\.(?:[a-z0-9*-]|\\{[a-z0-9,-]+\\})+)+)(?:(?::\\s*|=)(\\S.*))?$");

    private static final Pattern FILE_NAME =
            Pattern.compile(
                    ".*\\.(json|safetensors|gguf|ya?ml|md|py|sh|jar|txt|npz|jinja|html|jsonl)$");

    @Test
    void everyConfigurationKeyItNamesIsAccepted() throws Exception {
        String text = Files.readString(README);
        Set<String> sections =
                GemragOptions.all().stream()
                        .map(o -> o.key().split("\\.")[0])
                        .collect(Collectors.toSet());
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (String span : inlineSpans(text)) {
            Matcher m = KEY.matcher(span.strip());
            if (!m.matches()
                    || !sections.contains(m.group(1).split("\\.")[0])
                    || FILE_NAME.matcher(m.group(1)).matches()) {
                continue;
            }
            for (String key : expandBraces(m.group(1))) {
                checked++;
                String problem =
                        m.group(2) == null ? unknown(key) : rejected(key, m.group(2).strip());
                if (problem != null) {
                    wrong.add("`" + span + "`: " + problem);
                }
            }
        }
        assertThat(checked)
                .as("keys found in README (is the parser of this test broken?)")
                .isGreaterThan(20);
        assertThat(wrong)
                .as("configuration keys in README.md that the configuration parser rejects")
                .isEmpty();
    }

    @Test
    void everyYamlBlockLoads() throws Exception {
        Matcher m = FENCE.matcher(Files.readString(README));
        int blocks = 0;
        while (m.find()) {
            if (m.group(1).equals("yaml")) {
                blocks++;
                Path f = Files.createTempFile("readme", ".yaml");
                try {
                    Files.writeString(f, m.group(2));
                    GemragConfig.load(f, Map.of(), Map.of());
                } finally {
                    Files.delete(f);
                }
            }
        }
        assertThat(blocks).isGreaterThan(0);
    }

    @Test
    void everyCommandAndOptionItShowsExists() throws Exception {
        String text = Files.readString(README);
        CommandLine cli = new CommandLine(new GemragCli());
        List<String> wrong = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String line : commandLines(text)) {
            Matcher m = Pattern.compile("\\./gemrag(?:\\s+(\\S+))?").matcher(line);
            while (m.find()) {
                String name = m.group(1);
                int end = line.indexOf("./gemrag", m.end());
                String rest = line.substring(m.end(), end < 0 ? line.length() : end);
                if (name == null || name.startsWith("-") || name.startsWith("<")) {
                    continue; // "./gemrag --help", or a placeholder such as <command>
                }
                CommandLine sub = cli.getSubcommands().get(name);
                if (sub == null) {
                    wrong.add(
                            "`./gemrag "
                                    + name
                                    + "`: no such command ("
                                    + cli.getSubcommands().keySet()
                                    + ")");
                    continue;
                }
                seen.add(name);
                Matcher o =
                        Pattern.compile("(?<![\\w/.-])(--?[a-zA-Z][a-zA-Z0-9-]*)").matcher(rest);
                while (o.find()) {
                    if (sub.getCommandSpec().findOption(o.group(1)) == null) {
                        wrong.add("`./gemrag " + name + " " + o.group(1) + "`: no such option");
                    }
                }
            }
        }
        assertThat(seen).as("commands found in README").hasSizeGreaterThan(5);
        assertThat(wrong).as("README.md shows commands or options the CLI does not have").isEmpty();
    }

    @Test
    void theAdapterSectionShowsTheBundledAdaptersTrainingCommand() throws Exception {
        String text = Files.readString(README);
        String section = text.substring(text.indexOf("\n## Default GEM adapter\n"));
        Matcher fence = FENCE.matcher(section);
        assertThat(fence.find()).as("a command block in \"Default GEM adapter\"").isTrue();
        String shown =
                fence.group(2)
                        .lines()
                        .filter(l -> !l.startsWith("#"))
                        .map(l -> l.strip().replaceAll("\\\\$", "").strip())
                        .collect(Collectors.joining(" "))
                        .replaceFirst("^\\./", "");
        JsonNode descriptor =
                new ObjectMapper()
                        .readTree(
                                Path.of(
                                                "..",
                                                "model-runtime/src/main/resources/dev/gemrag/model/gem/default",
                                                "gem-smollm2-135m.json")
                                        .toFile());
        assertThat(shown)
                .as("README's training command vs the bundled adapter's descriptor")
                .isEqualTo(descriptor.path("training").path("command").asText());
    }

    /** Inline code spans outside fenced blocks (they may wrap lines). */
    static List<String> inlineSpans(String text) {
        String prose = FENCE.matcher(text).replaceAll("\n");
        List<String> out = new ArrayList<>();
        Matcher m = INLINE.matcher(prose);
        while (m.find()) {
            out.add(m.group(1).replace('\n', ' '));
        }
        return out;
    }

    /**
     * Lines of fenced blocks (comments cut) and inline spans: where ./gemrag commands are shown.
     */
    static List<String> commandLines(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = FENCE.matcher(text);
        while (m.find()) {
            for (String line : m.group(2).split("\n")) {
                int hash = line.indexOf(" #");
                out.add(hash < 0 ? line : line.substring(0, hash));
            }
        }
        out.addAll(inlineSpans(text));
        return out;
    }

    static List<String> expandBraces(String key) {
        Matcher m = Pattern.compile("\\{([^}]*)}").matcher(key);
        if (!m.find()) {
            return List.of(key);
        }
        List<String> out = new ArrayList<>();
        for (String alt : m.group(1).split(",")) {
            out.addAll(expandBraces(key.substring(0, m.start()) + alt + key.substring(m.end())));
        }
        return out;
    }

    /** null when the key (or, with *, some key it matches) is one the parser accepts. */
    private static String unknown(String key) {
        if (key.contains("*")) {
            Pattern glob = Pattern.compile(Pattern.quote(key).replace("*", "\\E.*\\Q"));
            boolean any =
                    GemragOptions.all().stream()
                                    .map(ConfigOption::key)
                                    .anyMatch(k -> glob.matcher(k).matches())
                            || key.startsWith(GemragOptions.KAFKA_PROPERTIES_PREFIX);
            return any ? null : "matches no configuration key";
        }
        boolean withDefault = GemragOptions.all().stream().anyMatch(o -> o.key().equals(key));
        if (withDefault || key.startsWith(GemragOptions.KAFKA_PROPERTIES_PREFIX)) {
            return null;
        }
        return "not a configuration key";
    }

    private static String rejected(String key, String value) {
        try {
            GemragConfig.load(null, Map.of(), Map.of(key, value));
            return null;
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }
}
