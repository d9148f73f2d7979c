package dev.gemrag.model.gem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.Pooling;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.TinyLlama;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GEM embedding invariants on a tiny random Llama (2 layers, hidden 64). */
class GemEmbedderTest {
    private static LlamaConfig config;
    private static LlamaModel model;
    private static final CharTokenizer TOKENIZER = new CharTokenizer(100);

    @BeforeAll
    static void load() {
        config = TinyLlama.config(RopeLayout.INTERLEAVED, true);
        model = LlamaModel.create(config, TinyLlama.weights(config, 7));
        model.setExtraEmbeddings(randomRows(2, 11));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static float[][] randomRows(int k, long seed) {
        Random r = new Random(seed);
        float[][] rows = new float[k][config.hiddenSize()];
        for (float[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        return rows;
    }

    private static GemEmbedder gem(int k) {
        return new GemEmbedder(
                model, TOKENIZER, new EmbeddingSettings(Pooling.GEM, k, "q: ", "", 64, 100));
    }

    @Test
    void idsFromTokensEmbedAsTheirTextsWithTheRolesInstruction() {
        GemEmbedder e = gem(2);
        List<String> texts = List.of("title\na chunk of text", "another, longer chunk of text");
        for (EmbedRole role : EmbedRole.values()) {
            List<int[]> ids = texts.stream().map(t -> e.tokens(t, role)).toList();
            List<float[]> byIds = e.embedTokens(ids);
            List<float[]> byText = e.embed(texts, role);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(byIds.get(i)).as(role + " " + i).containsExactly(byText.get(i));
            }
        }
        // the query instruction "q: " is inside the ids: the roles differ
        assertThat(e.tokens("x", EmbedRole.QUERY)).hasSize(4);
        assertThat(e.tokens("x", EmbedRole.DOCUMENT)).hasSize(1);
        int summary = model.vocabSize(); // a summary row's id is no text token
        assertThatThrownBy(() -> e.embedTokens(List.of(new int[] {5, summary})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "token id " + summary + " is outside the vocabulary [0, " + summary + ")");
    }

    @Test
    void textAloneEqualsTextInsidePaddedBatch() {
        for (Pooling p : Pooling.values()) {
            GemEmbedder e =
                    p == Pooling.GEM
                            ? gem(2)
                            : new GemEmbedder(model, TOKENIZER, EmbeddingSettings.base(p, 64));
            String text = "a short text";
            float[] alone = e.embed(List.of(text), EmbedRole.DOCUMENT).get(0);
            List<float[]> batch =
                    e.embed(
                            List.of(
                                    "a much longer neighbour that forces padding on the right",
                                    text,
                                    "x"),
                            EmbedRole.DOCUMENT);
            assertThat(batch.get(1))
                    .as(p.name())
                    .containsExactly(alone, org.assertj.core.data.Offset.offset(1e-5f));
            double norm = 0;
            for (float v : alone) {
                norm += v * v;
            }
            assertThat(norm)
                    .as("unit length")
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void queryInstructionChangesTheQueryVectorOnly() {
        GemEmbedder e = gem(1);
        float[] q = e.embed(List.of("copy files"), EmbedRole.QUERY).get(0);
        float[] d = e.embed(List.of("copy files"), EmbedRole.DOCUMENT).get(0);
        float[] dWithPrefix = e.embed(List.of("q: copy files"), EmbedRole.DOCUMENT).get(0);
        assertThat(q).isNotEqualTo(d);
        assertThat(q).containsExactly(dWithPrefix, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void secondSummaryStateDoesNotDependOnTheFirstSummaryRow() {
        EmbeddingInput in = gem(2).input("some text here", EmbedRole.DOCUMENT);
        float[][] before = hiddenAtSummaries(in, randomRows(2, 11));
        float[][] rows = randomRows(2, 11);
        rows[0] = randomRows(1, 99)[0]; // change summary row 0 only
        float[][] after = hiddenAtSummaries(in, rows);
        assertThat(after[1]).containsExactly(before[1], org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(after[0])
                .as("control: the first summary state does change")
                .isNotEqualTo(before[0]);
        model.setExtraEmbeddings(randomRows(2, 11));
    }

    private static float[][] hiddenAtSummaries(EmbeddingInput in, float[][] rows) {
        model.setExtraEmbeddings(rows);
        int t = in.length();
        int h = config.hiddenSize();
        try (NDManager m = model.newManager()) {
            NDArray hidden =
                    model.forward(
                            ids(m, in.ids()),
                            positions(m, t),
                            m.create(
                                    GemMasks.additive(List.of(in.layout()), t),
                                    new Shape(1, 1, t, t)),
                            null);
            float[] all = hidden.toFloatArray();
            float[][] out = new float[in.layout().k()][h];
            for (int j = 0; j < out.length; j++) {
                System.arraycopy(all, (in.layout().prefix() + j) * h, out[j], 0, h);
            }
            return out;
        }
    }

    @Test
    void suffixReachesThePrefixOnlyThroughTheSummaryTokens() {
        Random r = new Random(5);
        int prefix = 6;
        int k = 1;
        int suffix = 5;
        GemLayout layout = new GemLayout(prefix, k, suffix);
        int[] ids = new int[layout.length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1 + r.nextInt(config.vocabSize() - 1);
        }
        ids[prefix] = config.vocabSize();
        int[] perturbed = ids.clone();
        for (int i = 0; i < prefix; i++) {
            perturbed[i] = 1 + (ids[i] + 17) % (config.vocabSize() - 1);
        }
        float[] cutA =
                suffixLogits(
                        ids,
                        GemMaskControls.withoutSummaryReadingPrefix(List.of(layout), ids.length),
                        layout);
        float[] cutB =
                suffixLogits(
                        perturbed,
                        GemMaskControls.withoutSummaryReadingPrefix(List.of(layout), ids.length),
                        layout);
        assertThat(cutB)
                .as("no path from prefix to suffix once summary->prefix is cut")
                .containsExactly(cutA, org.assertj.core.data.Offset.offset(1e-5f));
        float[] realA = suffixLogits(ids, GemMasks.additive(List.of(layout), ids.length), layout);
        float[] realB =
                suffixLogits(perturbed, GemMasks.additive(List.of(layout), ids.length), layout);
        double maxDiff = 0;
        for (int i = 0; i < realA.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(realA[i] - realB[i]));
        }
        assertThat(maxDiff)
                .as(
                        "control: under the real mask the prefix reaches the suffix via the summary token")
                .isGreaterThan(1e-3);
    }

    private static float[] suffixLogits(int[] ids, float[] mask, GemLayout layout) {
        int t = ids.length;
        try (NDManager m = model.newManager()) {
            NDArray hidden =
                    model.forward(
                            ids(m, ids),
                            positions(m, t),
                            m.create(mask, new Shape(1, 1, t, t)),
                            null);
            NDArray logits = model.logits(hidden);
            float[] all = logits.toFloatArray();
            int v = config.vocabSize();
            int start = layout.prefix() + layout.k();
            float[] out = new float[layout.suffix() * v];
            System.arraycopy(all, start * v, out, 0, out.length);
            return out;
        }
    }

    static NDArray ids(NDManager m, int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return m.create(l, new Shape(1, ids.length));
    }

    static NDArray positions(NDManager m, int t) {
        long[] p = new long[t];
        for (int i = 0; i < t; i++) {
            p[i] = i;
        }
        return m.create(p, new Shape(1, t));
    }
}
