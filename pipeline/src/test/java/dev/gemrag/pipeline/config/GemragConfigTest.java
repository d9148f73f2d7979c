package dev.gemrag.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GemragConfigTest {
    @TempDir Path dir;

    private Path yaml(String text) throws Exception {
        Path p = dir.resolve("gemrag.yaml");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void defaultsApplyWhenNothingIsSet() {
        GemragConfig c = GemragConfig.defaults();
        assertThat(c.get(GemragOptions.JOB_MODE)).isEqualTo(JobMode.BOTH);
        assertThat(c.get(GemragOptions.CHUNK_SIZE)).isEqualTo(256);
        assertThat(c.get(GemragOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void yamlThenEnvironmentThenCommandLine() throws Exception {
        Path f =
                yaml(
                        """
                job:
                  mode: index
                kafka:
                  bootstrap-servers: k1:9092
                  properties:
                    security.protocol: SASL_SSL
                chunk:
                  size: 128
                  overlap: 16
                checkpoint.interval: 30 s
                milvus.uri: http://m:19530
                """);
        GemragConfig c =
                GemragConfig.load(
                        f,
                        Map.of(
                                "GEMRAG_CHUNK_SIZE",
                                "200",
                                "GEMRAG_JAVA_OPTS",
                                "-Xmx1g",
                                "PATH",
                                "/bin"),
                        Map.of("milvus.uri", "http://other:19530"));
        assertThat(c.get(GemragOptions.JOB_MODE)).isEqualTo(JobMode.INDEX);
        assertThat(c.get(GemragOptions.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("k1:9092");
        assertThat(c.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(c.get(GemragOptions.CHUNK_SIZE)).isEqualTo(200);
        assertThat(c.get(GemragOptions.CHUNK_OVERLAP)).isEqualTo(16);
        assertThat(c.get(GemragOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.get(GemragOptions.MILVUS_URI)).isEqualTo("http://other:19530");
    }

    @Test
    void unknownKeyIsNamedWithItsOrigin() throws Exception {
        Path f = yaml("chunk:\n  sise: 10\n");
        assertThatThrownBy(() -> GemragConfig.load(f, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "unknown configuration key 'chunk.sise' (from "
                                + f
                                + "); known keys there: chunk.size, chunk.overlap");
        assertThatThrownBy(() -> GemragConfig.load(null, Map.of(), Map.of("nope", "1")))
                .hasMessageStartingWith("unknown configuration key 'nope' (from --set)");
    }

    @Test
    void wrongValuesAreNamed() {
        assertThatThrownBy(
                        () -> GemragConfig.load(null, Map.of("GEMRAG_CHUNK_SIZE", "big"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "invalid value 'big' for 'chunk.size': expected an integer (from environment variable GEMRAG_CHUNK_SIZE)");
        assertThatThrownBy(() -> GemragConfig.load(null, Map.of(), Map.of("job.mode", "sideways")))
                .hasMessage(
                        "invalid value 'sideways' for 'job.mode': expected one of index query both (from --set)");
        assertThatThrownBy(
                        () ->
                                GemragConfig.load(
                                        null, Map.of(), Map.of("checkpoint.interval", "soon")))
                .hasMessageContaining("'checkpoint.interval': expected a duration");
        assertThatThrownBy(() -> GemragConfig.load(null, Map.of(), Map.of("parallelism", "0")))
                .hasMessage("invalid value '0' for 'parallelism': must be positive (from --set)");
        assertThatThrownBy(() -> GemragConfig.load(null, Map.of(), Map.of("chunk.overlap", "200")))
                .hasMessageContaining("chunk.overlap must be in [0, chunk.size/2]")
                .hasMessageEndingWith("(from --set)");
    }

    @Test
    void enumValuesAreCaseInsensitive() {
        assertThat(
                        GemragConfig.load(null, Map.of(), Map.of("job.mode", "QUERY"))
                                .get(GemragOptions.JOB_MODE))
                .isEqualTo(JobMode.QUERY);
    }

    @Test
    void malformedYamlIsOneLine() throws Exception {
        Path f = yaml("chunk: [size\n");
        assertThatThrownBy(() -> GemragConfig.load(f, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("configuration file " + f + " is not valid YAML")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void environmentNamesDeriveFromKeys() {
        assertThat(GemragOptions.envName("kafka.bootstrap-servers"))
                .isEqualTo("GEMRAG_KAFKA_BOOTSTRAP_SERVERS");
        assertThat(GemragOptions.envName("acl.no-acl-visibility"))
                .isEqualTo("GEMRAG_ACL_NO_ACL_VISIBILITY");
    }

    @Test
    void readmeDocumentsEveryKey() throws Exception {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        assertThat(text)
                .as("README.md configuration table is stale: paste `ConfigTable.markdown()`")
                .contains(ConfigTable.markdown());
    }
}
