package dev.gemrag.model.llama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.Pooling;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.gem.CharTokenizer;
import dev.gemrag.model.gem.EmbeddingInput;
import dev.gemrag.model.gem.EmbeddingSettings;
import dev.gemrag.model.gem.GemEmbedder;
import dev.gemrag.model.gem.GemLayout;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * GEM embeddings (batched, padded, pooled on the device) against forward's plain-Java reference
 * decoder run with the GEM mask from {@link GemLayout#allows}, pooled and normalised by hand. Lives
 * in the llama test package to reach {@link ReferenceLlama}.
 */
class GemEmbeddingReferenceTest {
    @Test
    void embeddingsMatchThePlainJavaReference() {
        LlamaConfig c = TinyLlama.config(RopeLayout.HALF_SPLIT, false);
        LlamaWeights w = TinyLlama.weights(c, 3);
        Random r = new Random(8);
        float[][] rows = new float[2][c.hiddenSize()];
        for (float[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        CharTokenizer tok = new CharTokenizer(c.vocabSize());
        List<String> texts = List.of("first text", "second, longer text for padding", "3");
        ReferenceLlama ref = new ReferenceLlama(c, w, rows);
        try (LlamaModel model = LlamaModel.create(c, w)) {
            model.setExtraEmbeddings(rows);
            for (Pooling p : Pooling.values()) {
                EmbeddingSettings s =
                        p == Pooling.GEM
                                ? new EmbeddingSettings(p, 2, "", "", 64, 100)
                                : EmbeddingSettings.base(p, 64);
                GemEmbedder e = new GemEmbedder(model, tok, s);
                List<float[]> got = e.embed(texts, EmbedRole.DOCUMENT);
                for (int b = 0; b < texts.size(); b++) {
                    EmbeddingInput in = e.input(texts.get(b), EmbedRole.DOCUMENT);
                    float[] expected = referenceVector(ref, in, p, c.hiddenSize());
                    assertThat(got.get(b))
                            .as(p + " row " + b)
                            .containsExactly(expected, Offset.offset(2e-4f));
                }
            }
        }
    }

    private static float[] referenceVector(
            ReferenceLlama ref, EmbeddingInput in, Pooling p, int h) {
        GemLayout l = in.layout();
        int n = in.length();
        int[] pos = new int[n];
        boolean[][] allowed = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            pos[i] = i;
            for (int j = 0; j < n; j++) {
                allowed[i][j] = l.allows(i, j);
            }
        }
        float[][] hs = ref.hidden(in.ids(), pos, allowed);
        double[] acc = new double[h];
        int from = p == Pooling.GEM ? l.prefix() : p == Pooling.LAST ? l.prefix() - 1 : 0;
        int to = p == Pooling.GEM ? l.prefix() + l.k() : l.prefix();
        for (int t = from; t < to; t++) {
            for (int i = 0; i < h; i++) {
                acc[i] += hs[t][i] / (to - from);
            }
        }
        double norm = 0;
        for (double v : acc) {
            norm += v * v;
        }
        float[] out = new float[h];
        for (int i = 0; i < h; i++) {
            out[i] = (float) (acc[i] / Math.sqrt(norm));
        }
        return out;
    }
}
