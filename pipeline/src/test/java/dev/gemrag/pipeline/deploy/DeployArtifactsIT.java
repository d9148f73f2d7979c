package dev.gemrag.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * After {@code mvn verify} built them: the files deploy/flink/Dockerfile copies into the image
 * exist, and the job jar is what a Flink cluster expects (its main class, no Flink runtime, no DJL:
 * those are in lib/).
 */
class DeployArtifactsIT {
    private final Path root = RepoFiles.root();

    @Test
    void theJobJarExistsWithItsMainClassAndWithoutWhatLibProvides() throws Exception {
        Path jar = root.resolve(StandaloneClusterFailoverIT.JOB_JAR_IN_REPO);
        assertThat(jar).as("the shaded job jar the Dockerfile copies to usrlib/").isRegularFile();
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(StandaloneClusterFailoverIT.ENTRY_CLASS);
            assertThat(
                            j.getEntry(
                                    StandaloneClusterFailoverIT.ENTRY_CLASS.replace('.', '/')
                                            + ".class"))
                    .isNotNull();
            List<String> names = j.stream().map(e -> e.getName()).toList();
            assertThat(names)
                    .as("Kafka connector and Milvus client travel with the job")
                    .anyMatch(n -> n.startsWith("org/apache/flink/connector/kafka/"))
                    .anyMatch(n -> n.startsWith("io/milvus/"));
            assertThat(names)
                    .as("DJL and Flink's runtime come from lib/, not the job jar")
                    .noneMatch(n -> n.startsWith("ai/djl/"))
                    .noneMatch(n -> n.startsWith("org/apache/flink/runtime/"))
                    .noneMatch(n -> n.startsWith("pytorch/"));
        }
    }

    @Test
    void theLibJarsTheImageCopiesExist() throws Exception {
        Path djl =
                root.resolve(
                        RepoFiles.buildPath(
                                "pipeline",
                                RepoFiles.executionSetting(
                                        root.resolve("pipeline/pom.xml"),
                                        "djl-lib",
                                        "outputDirectory")));
        try (Stream<Path> s = Files.list(djl)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList())
                    .anyMatch(n -> n.startsWith("api-"))
                    .anyMatch(n -> n.startsWith("pytorch-engine-"))
                    .anyMatch(n -> n.startsWith("pytorch-jni-"))
                    .anyMatch(n -> n.startsWith("pytorch-native-cpu-"))
                    .anyMatch(n -> n.startsWith("tokenizers-"))
                    .anyMatch(n -> n.startsWith("gson-"))
                    .anyMatch(n -> n.startsWith("jna-"));
        }
        try (Stream<Path> s = Files.list(root.resolve("pipeline/target/flink-dist/lib"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList())
                    .anyMatch(n -> n.startsWith("flink-metrics-prometheus-"));
        }
    }
}
