package dev.gemrag.model.gem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gemrag.model.Pooling;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolingWeightsTest {
    @Test
    void gemAveragesTheSummaryPositions() {
        float[] w =
                PoolingWeights.of(
                        List.of(GemLayout.embedding(2, 2), GemLayout.embedding(1, 1)),
                        4,
                        Pooling.GEM);
        assertThat(w).containsExactly(0, 0, 0.5f, 0.5f, /* row 2 */ 0, 1, 0, 0);
    }

    @Test
    void meanAndLastUseTextTokensOnly() {
        List<GemLayout> rows = List.of(GemLayout.plain(4), GemLayout.plain(2));
        assertThat(PoolingWeights.of(rows, 4, Pooling.MEAN))
                .containsExactly(.25f, .25f, .25f, .25f, .5f, .5f, 0, 0);
        assertThat(PoolingWeights.of(rows, 4, Pooling.LAST))
                .containsExactly(0, 0, 0, 1, 0, 1, 0, 0);
    }

    @Test
    void gemWithoutSummaryTokensIsAnError() {
        assertThatThrownBy(() -> PoolingWeights.of(List.of(GemLayout.plain(2)), 2, Pooling.GEM))
                .hasMessageContaining("needs summary tokens");
    }

    @Test
    void normalizeGivesUnitLength() {
        float[] v = PoolingWeights.normalize(new float[] {3, 4});
        assertThat(v[0]).isCloseTo(0.6f, within(1e-7f));
        assertThat(v[1]).isCloseTo(0.8f, within(1e-7f));
        assertThat(PoolingWeights.normalize(new float[] {0, 0})).containsExactly(0, 0);
    }
}
