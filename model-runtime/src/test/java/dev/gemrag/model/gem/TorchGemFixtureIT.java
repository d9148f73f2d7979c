package dev.gemrag.model.gem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.Pooling;
import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.llama.compiled.MultiTokenFormat;
import dev.gemrag.model.testing.SystemPropertyScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java embedder against an independent implementation: the PyTorch forward of the GPU trainer
 * (tools/gem_train) with a random adapter (k = 2, LoRA on wq and w2), fixture made by
 * tools/gem_fixture/make_torch_gem_fixture.py. Same ids in, same unit vectors out (GEM, MEAN,
 * LAST), batched with right padding on both sides.
 */
class TorchGemFixtureIT {
    private static final Path DIR = Path.of("src/test/resources/gem/torch-fixture");

    @Test
    void javaEmbeddingsMatchPyTorch() throws Exception {
        JsonNode fx = new ObjectMapper().readTree(Files.readString(DIR.resolve("embeddings.json")));
        int k = fx.get("k").asInt();
        List<int[]> rows = new ArrayList<>();
        fx.get("rows")
                .forEach(
                        r -> {
                            int[] ids = new int[r.size()];
                            for (int i = 0; i < ids.length; i++) {
                                ids[i] = r.get(i).asInt();
                            }
                            rows.add(ids);
                        });
        // an FP32 reference: the FP32 multi-token path (the BF16 one is DefaultAdapterIT's)
        try (SystemPropertyScope fp32 = SystemPropertyScope.set(MultiTokenFormat.PROPERTY, "fp32");
                GemLanguageModel m =
                        ModelRuntime.load(DefaultModel.path(), DIR.resolve("fixture.json"))) {
            assertThat(m.embeddingSettings().k()).isEqualTo(k);
            int vocab = m.llama().vocabSize();
            for (Pooling p : Pooling.values()) {
                int kk = p == Pooling.GEM ? k : 0;
                List<EmbeddingInput> inputs = new ArrayList<>();
                for (int[] text : rows) {
                    int[] ids = java.util.Arrays.copyOf(text, text.length + kk);
                    for (int j = 0; j < kk; j++) {
                        ids[text.length + j] = vocab + j;
                    }
                    inputs.add(new EmbeddingInput(ids, new GemLayout(text.length, kk, 0)));
                }
                GemEmbedder e =
                        p == Pooling.GEM
                                ? m.embedder(m.embeddingSettings())
                                : m.embedder(EmbeddingSettings.base(p, 512));
                List<float[]> got = e.embedInputs(inputs);
                JsonNode want = fx.get(p.name().toLowerCase(java.util.Locale.ROOT));
                for (int r = 0; r < rows.size(); r++) {
                    double maxDiff = 0;
                    double dot = 0;
                    for (int i = 0; i < got.get(r).length; i++) {
                        double w = want.get(r).get(i).asDouble();
                        maxDiff = Math.max(maxDiff, Math.abs(got.get(r)[i] - w));
                        dot += got.get(r)[i] * w;
                    }
                    assertThat(maxDiff).as("%s row %d max abs difference", p, r).isLessThan(2e-4);
                    assertThat(dot).as("%s row %d cosine", p, r).isGreaterThan(0.99999);
                }
            }
            // The public path agrees with the id path: GEM vectors through embed(texts) are unit
            // length.
            assertThat(m.embed(List.of("copy files"), EmbedRole.QUERY).get(0)).hasSize(576);
        }
    }
}
