package dev.gemrag.pipeline.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a Compose file the way {@code docker compose} does, as far as static checks need: YAML with
 * anchors and merge keys, the Compose tags {@code !reset} / {@code !override}, and variable
 * interpolation ({@code ${VAR:-default}}, {@code $$}) with the defaults (no environment).
 */
final class ComposeYaml {
    /** What an override file's {@code !reset} or {@code !override} tag wraps. */
    record Tagged(String tag, Object value) {}

    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");

    private ComposeYaml() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return (Map<String, Object>) new Yaml(new ComposeConstructor()).load(r);
        }
    }

    /**
     * Substitutes Compose variables by their defaults; a variable without a default is an error
     * here, because then the file would not work without a .env file.
     */
    static String interpolate(String s) {
        Matcher m = VARIABLE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (m.group(2) == null) {
                throw new IllegalArgumentException(
                        "variable ${" + m.group(1) + "} has no default in: " + s);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2)));
        }
        m.appendTail(out);
        return out.toString().replace("$$", "$");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map<?, ?>)) {
            throw new AssertionError(what + " is not a mapping: " + o);
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String what) {
        if (!(o instanceof List<?>)) {
            throw new AssertionError(what + " is not a list: " + o);
        }
        return (List<Object>) o;
    }

    private static final class ComposeConstructor extends SafeConstructor {
        ComposeConstructor() {
            super(new LoaderOptions());
            for (String tag : List.of("!reset", "!override")) {
                yamlConstructors.put(
                        new Tag(tag),
                        new AbstractConstruct() {
                            @Override
                            public Object construct(Node node) {
                                Object value;
                                if (node instanceof MappingNode m) {
                                    value = constructMapping(m);
                                } else if (node instanceof SequenceNode s) {
                                    value = constructSequence(s);
                                } else {
                                    value = constructScalar((ScalarNode) node);
                                }
                                return new Tagged(tag, value);
                            }
                        });
            }
        }
    }
}
