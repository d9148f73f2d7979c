package dev.gemrag.model.gem;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.MultiTokenFormat;
import dev.gemrag.model.testing.SystemPropertyScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bundled (summary-only) adapter served by the default model, three ways:
 *
 * <ol>
 *   <li>the public API ({@code LanguageModel.embed}: base prefill + LoRA summary step, {@link
 *       SummaryPass});
 *   <li>an independent computation in the same run ({@link GatedSummaryReference}: one forward,
 *       LoRA gated to the summary position, no KV cache);
 *   <li>the pinned reference {@code tools/gem_train/expected_embeddings.json}: token ids from
 *       llama.cpp's tokenizer, embeddings written by path 2 ({@code -Dgemrag.writeExpected=true}
 *       rewrites them; the PyTorch mirror in tools/gem_train does not implement the summary-only
 *       layout).
 * </ol>
 *
 * Gold query/document pairs are also closer on average than the other pairs. Run with each
 * multi-token format: FP32 within 1e-4 per component of the independent FP32 forward; BF16 (FP32
 * released) within {@link Bound#BF16}, cosine >= 0.999 to it per text, the same ranking of the
 * documents for every query, and never FP32-exact.
 */
class DefaultAdapterIT {
    private static final Path EXPECTED = Path.of("../tools/gem_train/expected_embeddings.json");

    /**
     * Largest allowed |component| difference to the independent FP32 forward and to the pinned
     * reference, and to the pinned query x document cosines. FP32: the same arithmetic in another
     * order. BF16: every projection's GEMM inputs and outputs keep 8 significant bits (relative
     * rounding up to 2^-9 = 2e-3 each), over 30 layers' 4 GEMMs, of a unit-norm 576-dimensional
     * vector whose components are ~0.04: measured 1.7-2.1e-3 on these texts with the previous
     * adapter, 3.7e-3 with the hard-negative/distilled one, so 5e-3 (a wrong weight, LoRA or mask
     * moves components by 1e-2 to 1e-1); cosines likewise.
     */
    private record Bound(double vsReference, double vsPinned, double cosine) {
        static final Bound FP32 = new Bound(1e-4, 5e-4, 1e-3);
        static final Bound BF16 = new Bound(5e-3, 5e-3, 5e-3);
    }

    @ParameterizedTest
    @EnumSource(MultiTokenFormat.class)
    void defaultModelMatchesTheIndependentComputationAndThePinnedReference(
            MultiTokenFormat multiToken) throws Exception {
        assertThat(DefaultAdapter.bundled()).as("bundled adapter on the classpath").isNotNull();
        ObjectNode fx = (ObjectNode) new ObjectMapper().readTree(Files.readString(EXPECTED));
        GemAdapter adapter = GemAdapter.read(DefaultAdapter.bundled());
        assertThat(adapter.descriptor().lora().summaryOnly()).isTrue();
        boolean write = Boolean.getBoolean("gemrag.writeExpected");
        if (write && multiToken != MultiTokenFormat.FP32) {
            return; // the pinned reference is FP32's
        }
        Bound bound = multiToken == MultiTokenFormat.FP32 ? Bound.FP32 : Bound.BF16;
        try (SystemPropertyScope p =
                        SystemPropertyScope.set(MultiTokenFormat.PROPERTY, multiToken.name());
                GemLanguageModel m =
                        ModelRuntime.loadDefault(DefaultModel.path().toString(), null)) {
            assertThat(m.id()).startsWith("smollm2-135m-instruct-q4_1-gem1-");
            assertThat(m.compiled().multiToken()).isEqualTo(multiToken);
            // BF16 releases the FP32 projections: the eager forward must refuse
            assertThat(m.compiled().releasedFp32()).isEqualTo(multiToken == MultiTokenFormat.BF16);
            double[] worst = new double[1];
            List<float[]> q =
                    check(
                            m,
                            adapter,
                            (ArrayNode) fx.get("queries"),
                            EmbedRole.QUERY,
                            write,
                            bound,
                            worst);
            List<float[]> d =
                    check(
                            m,
                            adapter,
                            (ArrayNode) fx.get("documents"),
                            EmbedRole.DOCUMENT,
                            write,
                            bound,
                            worst);
            System.out.printf(
                    "DefaultAdapterIT %s multi-token: max |component - FP32 reference| %.2e%n",
                    multiToken, worst[0]);
            if (multiToken == MultiTokenFormat.BF16) {
                // the FP32 path stays below 1e-4: more means the BF16 weights did run
                assertThat(worst[0]).as("BF16 is not FP32").isGreaterThan(2e-4);
            }
            if (write) {
                ArrayNode cos = fx.putArray("cosine_query_x_document");
                for (float[] qi : q) {
                    ArrayNode row = cos.addArray();
                    for (float[] dj : d) {
                        row.add(dot(qi, dj));
                    }
                }
                fx.put("adapter", DefaultAdapter.NAME);
                fx.put(
                        "note",
                        "GEM embeddings (fp32, CPU) of the first 3 man-dev queries (with the adapter's query "
                                + "instruction) and their gold documents; ids are llama.cpp's (no BOS), summary id = vocab "
                                + "appended; embeddings from GatedSummaryReference (one forward, LoRA gated to the summary "
                                + "position), written by DefaultAdapterIT -Dgemrag.writeExpected=true");
                Files.writeString(EXPECTED, new ObjectMapper().writeValueAsString(fx) + "\n");
            }
            double gold = 0;
            double other = 0;
            for (int i = 0; i < q.size(); i++) {
                for (int j = 0; j < d.size(); j++) {
                    double want = fx.get("cosine_query_x_document").get(i).get(j).asDouble();
                    double got = dot(q.get(i), d.get(j));
                    assertThat(got)
                            .as("cos(q%d, d%d)", i, j)
                            .isCloseTo(want, org.assertj.core.data.Offset.offset(bound.cosine()));
                    if (i == j) {
                        gold += got / q.size();
                    } else {
                        other += got / (q.size() * (d.size() - 1.0));
                    }
                }
            }
            // not every query ranks its gold first (nDCG@10 0.80 on man-dev; query 0 about signed
            // git tags is
            // nearer ssh-keysign's page), but gold pairs are clearly closer on average
            assertThat(gold)
                    .as("mean cosine of gold pairs vs other pairs")
                    .isGreaterThan(other + 0.1);
            for (int i = 0; i < q.size(); i++) {
                JsonNode want = fx.get("cosine_query_x_document").get(i);
                double[] got = new double[d.size()];
                for (int j = 0; j < d.size(); j++) {
                    got[j] = dot(q.get(i), d.get(j));
                }
                assertThat(ranking(got))
                        .as("documents ranked for query %d as by the FP32 reference", i)
                        .containsExactly(
                                ranking(new ObjectMapper().convertValue(want, double[].class)));
            }
        }
    }

    /** Indices by descending score. */
    private static Integer[] ranking(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        return order;
    }

    private static List<float[]> check(
            GemLanguageModel m,
            GemAdapter adapter,
            ArrayNode items,
            EmbedRole role,
            boolean write,
            Bound bound,
            double[] worst) {
        List<String> texts = new ArrayList<>();
        items.forEach(n -> texts.add(n.get("text").asText()));
        List<float[]> got = m.embed(texts, role);
        List<int[]> ids = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            int[] mine =
                    m.tokenizer().encode(m.embeddingSettings().instruction(role) + texts.get(i));
            int limit = m.embeddingSettings().maxTokens() - m.embeddingSettings().k();
            mine = java.util.Arrays.copyOf(mine, Math.min(mine.length, limit));
            int[] want = new int[items.get(i).get("ids").size()];
            for (int j = 0; j < want.length; j++) {
                want[j] = items.get(i).get("ids").get(j).asInt();
            }
            assertThat(mine).as("%s %d token ids equal llama.cpp's", role, i).containsExactly(want);
            ids.add(mine);
        }
        float[] ref;
        Checkpoint base = ModelRuntime.loadCheckpoint(DefaultModel.path());
        try (LlamaModel plain = LlamaModel.create(base.config(), base.weights());
                NDManager s = plain.newManager()) {
            float[] rows = adapter.summaryEmbeddings().data();
            plain.setExtraEmbeddings(new float[][] {rows});
            ref =
                    GatedSummaryReference.pooled(
                                    plain, s, ids, 1, GatedSummaryReference.lora(adapter, s))
                            .toFloatArray();
        }
        int h = got.get(0).length;
        for (int i = 0; i < texts.size(); i++) {
            float[] r =
                    PoolingWeights.normalize(java.util.Arrays.copyOfRange(ref, i * h, (i + 1) * h));
            double vsRef = 0;
            for (int j = 0; j < h; j++) {
                vsRef = Math.max(vsRef, Math.abs(got.get(i)[j] - r[j]));
            }
            worst[0] = Math.max(worst[0], vsRef);
            assertThat(vsRef)
                    .as("%s %d: runtime vs independent gated forward", role, i)
                    .isLessThan(bound.vsReference());
            assertThat(dot(got.get(i), r))
                    .as("%s %d: cosine to the independent FP32 forward", role, i)
                    .isGreaterThanOrEqualTo(0.999);
            ObjectNode item = (ObjectNode) items.get(i);
            if (write) {
                ArrayNode e = item.putArray("embedding");
                for (float f : r) {
                    e.add(f);
                }
            }
            double vsPinned = 0;
            for (int j = 0; j < h; j++) {
                vsPinned =
                        Math.max(
                                vsPinned,
                                Math.abs(got.get(i)[j] - item.get("embedding").get(j).asDouble()));
            }
            assertThat(vsPinned)
                    .as("%s %d: runtime vs pinned reference", role, i)
                    .isLessThan(bound.vsPinned());
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
