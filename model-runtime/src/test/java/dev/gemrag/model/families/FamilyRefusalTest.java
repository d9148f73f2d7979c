package dev.gemrag.model.families;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.model.CheckpointLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the families do not implement is refused by name, never approximated. */
class FamilyRefusalTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    private int copies;

    private Path editedCopy(String family, Consumer<ObjectNode> edit) throws IOException {
        Path src = FamilyFixture.load(family).hfDir();
        Path dst = dir.resolve(family + "-" + copies++);
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().endsWith(".sha256")) {
                    continue; // the loader's checksum marker, not part of the checkpoint
                }
                Files.copy(f, dst.resolve(f.getFileName()));
            }
        }
        ObjectNode config = (ObjectNode) JSON.readTree(dst.resolve("config.json").toFile());
        edit.accept(config);
        JSON.writeValue(dst.resolve("config.json").toFile(), config);
        return dst;
    }

    @Test
    void otherRopeScalingTypesAreRefusedByName() throws IOException {
        Path yarn =
                editedCopy(
                        "llama3",
                        c -> ((ObjectNode) c.get("rope_scaling")).put("rope_type", "yarn"));
        assertThatThrownBy(() -> CheckpointLoader.load(yarn))
                .hasMessageContaining("rope_scaling type 'yarn'");
        Path linear =
                editedCopy(
                        "llama3",
                        c -> c.putObject("rope_scaling").put("type", "linear").put("factor", 2.0));
        assertThatThrownBy(() -> CheckpointLoader.load(linear))
                .hasMessageContaining("rope_scaling type 'linear'");
        Path plain =
                editedCopy("qwen3", c -> c.putObject("rope_scaling").put("rope_type", "default"));
        org.assertj.core.api.Assertions.assertThat(
                        CheckpointLoader.load(plain).config().ropeScaling().isNone())
                .isTrue();
    }

    @Test
    void gemmaAndOtherArchitecturesAreRefusedByName() throws IOException {
        Path gemma = editedCopy("qwen3", c -> c.put("model_type", "gemma3"));
        assertThatThrownBy(() -> CheckpointLoader.load(gemma))
                .hasMessageContaining("unsupported architecture 'gemma3'");
    }

    @Test
    void slidingWindowsAndOtherActivationsAreRefused() throws IOException {
        Path windowed =
                editedCopy(
                        "qwen3", c -> c.put("use_sliding_window", true).put("sliding_window", 64));
        assertThatThrownBy(() -> CheckpointLoader.load(windowed))
                .hasMessageContaining("sliding-window");
        Path gelu = editedCopy("smollm3", c -> c.put("hidden_act", "gelu_pytorch_tanh"));
        assertThatThrownBy(() -> CheckpointLoader.load(gelu))
                .hasMessageContaining("hidden_act 'gelu_pytorch_tanh'");
    }

    @Test
    void aNoPePatternOtherThanEveryFourthLayerIsRefused() throws IOException {
        Path odd =
                editedCopy(
                        "smollm3", c -> c.putArray("no_rope_layers").add(1).add(0).add(1).add(1));
        assertThatThrownBy(() -> CheckpointLoader.load(odd)).hasMessageContaining("no_rope_layers");
    }

    @Test
    void qwen3WithoutItsQkNormsIsRefused() throws IOException {
        Path plain = editedCopy("llama3", c -> c.put("model_type", "qwen3"));
        assertThatThrownBy(() -> CheckpointLoader.load(plain)).hasMessageContaining("q_norm");
    }
}
