package dev.gemrag.model.gem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.WeightTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GemAdapterTest {
    @TempDir Path dir;

    private static GemAdapter adapterFor(Checkpoint base, float bValue) {
        int rank = 2;
        Map<String, WeightTensor> t = new LinkedHashMap<>();
        int h = base.config().hiddenSize();
        float[] rows = new float[2 * h];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i * 0.01f;
        }
        t.put(GemAdapter.SUMMARY, new WeightTensor(GemAdapter.SUMMARY, new long[] {2, h}, rows));
        for (int i = 0; i < base.config().numLayers(); i++) {
            for (String target : List.of("wq", "w2")) {
                long[] w = base.weights().get(LlamaWeights.layer(i, target)).shape();
                float[] a = new float[(int) (rank * w[1])];
                float[] b = new float[(int) (w[0] * rank)];
                for (int j = 0; j < a.length; j++) {
                    a[j] = (j % 7) * 0.1f;
                }
                java.util.Arrays.fill(b, bValue);
                t.put(
                        GemAdapter.loraA(i, target),
                        new WeightTensor(GemAdapter.loraA(i, target), new long[] {rank, w[1]}, a));
                t.put(
                        GemAdapter.loraB(i, target),
                        new WeightTensor(GemAdapter.loraB(i, target), new long[] {w[0], rank}, b));
            }
        }
        AdapterDescriptor d =
                new AdapterDescriptor(
                        AdapterDescriptor.FORMAT,
                        new AdapterDescriptor.BaseModel("tiny", base.sha256()),
                        List.of("<s0>", "<s1>"),
                        2,
                        "gem",
                        true,
                        "Query: ",
                        "",
                        64,
                        new AdapterDescriptor.Lora(rank, 4f, List.of("wq", "w2")),
                        new AdapterDescriptor.Training("test", 1, 0, "none"));
        return new GemAdapter(d, t);
    }

    @Test
    void roundTripsThroughJsonAndSafetensors() throws Exception {
        Checkpoint base = TinyCheckpoint.random(1, null);
        GemAdapter a = adapterFor(base, 0.5f);
        Path json = dir.resolve("gem.json");
        a.write(json);
        assertThat(dir.resolve("gem.safetensors")).exists();
        assertThat(Files.readString(json))
                .contains("\"query_instruction\" : \"Query: \"", "\"base_model\"");
        GemAdapter back = GemAdapter.read(json);
        assertThat(back.descriptor()).isEqualTo(a.descriptor());
        assertThat(back.tensors().keySet())
                .containsExactlyInAnyOrderElementsOf(a.tensors().keySet());
        assertThat(back.summaryEmbeddings().data()).containsExactly(a.summaryEmbeddings().data());
    }

    @Test
    void mergeAddsScaledLowRankProduct() {
        Checkpoint base = TinyCheckpoint.random(2, null);
        GemAdapter a = adapterFor(base, 0.5f);
        LlamaWeights merged = LoraMerge.mergeInto(a, base);
        WeightTensor w = base.weights().get("layers.1.wq");
        WeightTensor m = merged.get("layers.1.wq");
        WeightTensor la = a.tensors().get(GemAdapter.loraA(1, "wq"));
        int in = (int) w.shape()[1];
        // W'[o][c] = W[o][c] + (alpha/rank) * sum_r B[o][r] A[r][c], by hand for a few entries.
        for (int[] oc : new int[][] {{0, 0}, {3, 5}, {15, 15}}) {
            double delta = 0;
            for (int r = 0; r < 2; r++) {
                delta += 0.5 * la.data()[r * in + oc[1]];
            }
            assertThat(m.data()[oc[0] * in + oc[1]])
                    .isCloseTo((float) (w.data()[oc[0] * in + oc[1]] + 2.0 * delta), within(1e-5f));
        }
        // Untouched targets are shared, not copied.
        assertThat(merged.get("layers.0.wk")).isSameAs(base.weights().get("layers.0.wk"));
    }

    @Test
    void refusesAdapterForAnotherBase() {
        GemAdapter a = adapterFor(TinyCheckpoint.random(3, null), 0.1f);
        Checkpoint other = TinyCheckpoint.random(4, null);
        assertThatThrownBy(() -> LoraMerge.mergeInto(a, other))
                .hasMessageContaining("trained on base tiny (sha256 tiny-sha-3)")
                .hasMessageContaining("has sha256 tiny-sha-4");
    }

    @Test
    void missingTensorIsNamed() {
        Checkpoint base = TinyCheckpoint.random(5, null);
        GemAdapter a = adapterFor(base, 0.1f);
        Map<String, WeightTensor> t = new LinkedHashMap<>(a.tensors());
        t.remove(GemAdapter.loraB(1, "w2"));
        assertThatThrownBy(() -> new GemAdapter(a.descriptor(), t).checkCompatible(base))
                .hasMessageContaining("missing tensor 'layers.1.w2.lora_b'");
    }

    @Test
    void badDescriptorIsRefusedWithTheField() throws Exception {
        Path json = dir.resolve("bad.json");
        Files.writeString(
                json,
                "{\"format\":\"other/2\",\"base_model\":{\"sha256\":\"x\"},\"k\":1,\"max_tokens\":8}");
        assertThatThrownBy(() -> GemAdapter.read(json)).hasMessageContaining("format is 'other/2'");
    }
}
