package dev.gemrag.model.gem;

import dev.gemrag.model.fetch.RenamedEnv;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which GEM adapter goes with a base model when the user names none.
 *
 * <p>Order: an explicit path (or "none"), then {@code $GEMRAG_MODEL_ADAPTER} (path or "none"; the
 * environment name of model.adapter, the old {@code $GEMRAG_ADAPTER} still works with a warning),
 * then the adapter bundled on the classpath as {@value #RESOURCE_DIR}/{@value #NAME}.json +
 * .safetensors (source: {@code model-runtime/src/main/resources/dev/gemrag/model/gem/default/}),
 * copied to {@code ~/.cache/gemrag/adapters/} so it can be read as files. The bundled adapter is
 * used only when its base checksum matches the base being loaded.
 */
public final class DefaultAdapter {
    public static final String ENV = "GEMRAG_MODEL_ADAPTER";
    private static final RenamedEnv VARIABLE = new RenamedEnv(ENV, "GEMRAG_ADAPTER");
    public static final String RESOURCE_DIR = "dev/gemrag/model/gem/default";
    public static final String NAME = "gem-smollm2-135m";
    private static final Logger LOG = LoggerFactory.getLogger(DefaultAdapter.class);

    private DefaultAdapter() {}

    /** How an adapter was chosen: path null means none. */
    public record Choice(Path path, boolean explicit) {}

    public static Choice resolve(String explicitOrNull) {
        java.util.Map<String, String> env = System.getenv();
        String v = VARIABLE.read(env);
        return resolve(explicitOrNull, v, VARIABLE.source(env));
    }

    static Choice resolve(String explicit, String env) {
        return resolve(explicit, env, ENV);
    }

    private static Choice resolve(String explicit, String env, String envName) {
        for (String[] source : new String[][] {{explicit, "--adapter"}, {env, envName}}) {
            String v = source[0];
            if (v != null && !v.isBlank()) {
                if (v.equalsIgnoreCase("none")) {
                    return new Choice(null, true);
                }
                Path p = Path.of(v);
                if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException(
                            "adapter not found: "
                                    + p
                                    + " (from "
                                    + source[1]
                                    + "); give the adapter's .json descriptor, or 'none'");
                }
                return new Choice(p, true);
            }
        }
        return new Choice(bundled(), false);
    }

    /** The bundled adapter as files in the cache, or null when none is bundled. */
    public static Path bundled() {
        ClassLoader cl = DefaultAdapter.class.getClassLoader();
        String base = RESOURCE_DIR + "/" + NAME;
        try (InputStream json = cl.getResourceAsStream(base + ".json");
                InputStream tensors = cl.getResourceAsStream(base + ".safetensors")) {
            if (json == null || tensors == null) {
                return null;
            }
            Path dir = Path.of(System.getProperty("user.home"), ".cache", "gemrag", "adapters");
            Files.createDirectories(dir);
            Path jsonOut = dir.resolve(NAME + ".json");
            copyIfChanged(json.readAllBytes(), jsonOut);
            copyIfChanged(tensors.readAllBytes(), dir.resolve(NAME + ".safetensors"));
            return jsonOut;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot extract the bundled GEM adapter: " + e.getMessage(), e);
        }
    }

    private static void copyIfChanged(byte[] bytes, Path target) throws IOException {
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
            return;
        }
        Path tmp =
                Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        Files.write(tmp, bytes);
        Files.move(
                tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("bundled GEM adapter extracted to {}", target);
    }
}
