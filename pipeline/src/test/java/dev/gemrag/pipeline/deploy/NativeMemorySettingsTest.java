package dev.gemrag.pipeline.deploy;

import static dev.gemrag.pipeline.deploy.ComposeYaml.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The native-memory settings that keep a long-running JVM's RSS flat (README "Reliability", soak)
 * are the same in the launcher and in the Compose TaskManager, and the JVM flags the launcher
 * always passes are ones this JDK accepts (an unknown {@code -XX} flag stops the JVM before it
 * starts).
 */
class NativeMemorySettingsTest {
    private static final Pattern EXEC_FLAGS =
            Pattern.compile("^exec java ((?:-XX:\\S+ )+)\\$\\{GEMRAG_JAVA_OPTS", Pattern.MULTILINE);
    private static final Pattern MALLOC_DEFAULT =
            Pattern.compile("export (MALLOC_\\w+)=\"\\$\\{\\1:-(\\w+)}\"");

    @Test
    void theComposeTaskManagerGetsTheLaunchersMallocSettingsAndNativeTrim() throws Exception {
        String launcher = launcher();
        Map<String, Object> services =
                map(
                        ComposeYaml.load(RepoFiles.root().resolve("docker-compose.yml"))
                                .get("services"),
                        "services");
        Map<String, Object> taskManager = map(services.get("taskmanager"), "taskmanager");
        Map<String, Object> env = map(taskManager.get("environment"), "environment");
        Matcher m = MALLOC_DEFAULT.matcher(launcher);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
            assertThat(String.valueOf(env.get(m.group(1)))).as(m.group(1)).isEqualTo(m.group(2));
        }
        assertThat(names).containsExactlyInAnyOrder("MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_");

        String trim =
                launcherFlags(launcher).stream()
                        .filter(f -> f.startsWith("-XX:TrimNativeHeapInterval="))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("the launcher does not trim"));
        assertThat(
                        DeployFilesTest.flinkProperties(RepoFiles.root())
                                .get("env.java.opts.taskmanager"))
                .contains(trim);
    }

    @Test
    void thisJdkAcceptsTheLaunchersJvmFlags() throws Exception {
        List<String> flags = launcherFlags(launcher());
        assertThat(flags).isNotEmpty();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(flags);
        cmd.add("-version");
        Path out = Files.createTempFile("gemrag-jvm-flags", ".txt");
        try {
            Process p =
                    new ProcessBuilder(cmd)
                            .redirectErrorStream(true)
                            .redirectOutput(out.toFile())
                            .start();
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("java -version finished").isTrue();
            assertThat(p.exitValue())
                    .as(String.join(" ", cmd) + ": " + Files.readString(out))
                    .isZero();
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static String launcher() throws Exception {
        return Files.readString(RepoFiles.root().resolve("gemrag"), StandardCharsets.UTF_8);
    }

    private static List<String> launcherFlags(String launcher) {
        Matcher m = EXEC_FLAGS.matcher(launcher);
        assertThat(m.find()).as("the launcher's exec line").isTrue();
        return Arrays.asList(m.group(1).trim().split(" "));
    }
}
