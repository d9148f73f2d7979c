package dev.gemrag.model.gem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.fetch.DefaultModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bundled adapter served by the default model: the GPU trainer's own reference embeddings
 * (tools/gem_train/expected_embeddings.json, PyTorch fp32) are reproduced from the texts through the
 * public API (tokenizer ids equal too), and a query is closer to its gold document than to the others.
 */
class DefaultAdapterIT {
    private static final Path EXPECTED = Path.of("../tools/gem_train/expected_embeddings.json");

    @Test
    void defaultModelReproducesTheTrainersEmbeddings() throws Exception {
        assertThat(DefaultAdapter.bundled()).as("bundled adapter on the classpath").isNotNull();
        JsonNode fx = new ObjectMapper().readTree(Files.readString(EXPECTED));
        try (GemLanguageModel m = ModelRuntime.loadDefault(DefaultModel.path().toString(), null)) {
            assertThat(m.id()).startsWith("smollm2-135m-instruct-q4_1-gem1-");
            List<float[]> q = check(m, fx.get("queries"), EmbedRole.QUERY);
            List<float[]> d = check(m, fx.get("documents"), EmbedRole.DOCUMENT);
            for (int i = 0; i < q.size(); i++) {
                for (int j = 0; j < d.size(); j++) {
                    double want = fx.get("cosine_query_x_document").get(i).get(j).asDouble();
                    assertThat(dot(q.get(i), d.get(j))).as("cos(q%d, d%d)", i, j)
                            .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-3));
                }
                assertThat(dot(q.get(i), d.get(i))).as("query %d is closest to its gold document", i)
                        .isGreaterThan(dot(q.get(i), d.get((i + 1) % d.size())));
            }
        }
    }

    private static List<float[]> check(GemLanguageModel m, JsonNode items, EmbedRole role) {
        List<String> texts = new ArrayList<>();
        items.forEach(n -> texts.add(n.get("text").asText()));
        List<float[]> got = m.embed(texts, role);
        for (int i = 0; i < texts.size(); i++) {
            JsonNode item = items.get(i);
            int[] ids = m.tokenizer().encode(m.embeddingSettings().instruction(role) + texts.get(i));
            int limit = m.embeddingSettings().maxTokens() - m.embeddingSettings().k();
            ids = java.util.Arrays.copyOf(ids, Math.min(ids.length, limit)); // the trainer stores the cut ids
            int[] want = new int[item.get("ids").size()];
            for (int j = 0; j < want.length; j++) {
                want[j] = item.get("ids").get(j).asInt();
            }
            assertThat(ids).as("%s %d token ids", role, i).containsExactly(want);
            double maxDiff = 0;
            for (int j = 0; j < got.get(i).length; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(got.get(i)[j] - item.get("embedding").get(j).asDouble()));
            }
            assertThat(maxDiff).as("%s %d max abs difference to PyTorch", role, i).isLessThan(5e-4);
        }
        return got;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
