package dev.gemrag.model.gem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GemMasksTest {
    private static final float M = GemMasks.MASKED;

    private static float[][] row(float[] mask, int b, int t) {
        float[][] out = new float[t][t];
        for (int i = 0; i < t; i++) {
            System.arraycopy(mask, b * t * t + i * t, out[i], 0, t);
        }
        return out;
    }

    @Test
    void embeddingMaskIsCausalAndSummaryTokensDoNotSeeEachOther() {
        // 3 text tokens, k = 2 summary tokens, padded to 6.
        float[] mask = GemMasks.additive(List.of(GemLayout.embedding(3, 2)), 6);
        float[][] expected = {
            {0, M, M, M, M, M},
            {0, 0, M, M, M, M},
            {0, 0, 0, M, M, M},
            {0, 0, 0, 0, M, M}, // summary 0: text + itself
            {0, 0, 0, M, 0, M}, // summary 1: text + itself, not summary 0
            {M, M, M, M, M, 0}, // padding row: only itself
        };
        assertThat(row(mask, 0, 6)).isDeepEqualTo(expected);
    }

    @Test
    void trainingMaskCutsSuffixFromPrefix() {
        // prefix 2, k 1, suffix 2
        float[] mask = GemMasks.additive(List.of(new GemLayout(2, 1, 2)), 5);
        float[][] expected = {
            {0, M, M, M, M},
            {0, 0, M, M, M},
            {0, 0, 0, M, M},
            {M, M, 0, 0, M}, // suffix sees summary and itself only
            {M, M, 0, 0, 0},
        };
        assertThat(row(mask, 0, 5)).isDeepEqualTo(expected);
    }

    @Test
    void controlVariantAlsoCutsSummaryFromPrefix() {
        float[] mask =
                GemMaskControls.withoutSummaryReadingPrefix(List.of(new GemLayout(2, 1, 1)), 4);
        assertThat(row(mask, 0, 4)[2]).containsExactly(M, M, 0, M);
        assertThat(row(mask, 0, 4)[3]).containsExactly(M, M, 0, 0);
    }

    @Test
    void batchRowsArePaddedIndependently() {
        float[] mask = GemMasks.additive(List.of(GemLayout.plain(3), GemLayout.embedding(1, 1)), 3);
        assertThat(row(mask, 0, 3)[2]).containsExactly(0, 0, 0);
        assertThat(row(mask, 1, 3)[1]).containsExactly(0, 0, M);
        assertThat(row(mask, 1, 3)[2]).containsExactly(M, M, 0);
    }

    @Test
    void rejectsRowsLongerThanTheBatch() {
        assertThatThrownBy(() -> GemMasks.additive(List.of(GemLayout.plain(4)), 3))
                .hasMessageContaining("more than the batch length 3");
    }

    @Test
    void layoutRejectsSuffixWithoutSummary() {
        assertThatThrownBy(() -> new GemLayout(2, 0, 1))
                .hasMessageContaining("suffix needs summary");
    }
}
