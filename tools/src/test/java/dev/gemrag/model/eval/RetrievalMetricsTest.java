package dev.gemrag.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {
    @Test
    void binaryRelevanceByHand() {
        List<String> ranked = List.of("d3", "d1", "d2");
        Map<String, Integer> rel = Map.of("d1", 1, "d2", 1);
        // DCG = 1/log2(3) + 1/log2(4) = 0.630930 + 0.5; IDCG = 1 + 0.630930
        assertThat(RetrievalMetrics.ndcgAt(10, ranked, rel))
                .isCloseTo(1.130930 / 1.630930, within(1e-6));
        assertThat(RetrievalMetrics.recallAt(1, ranked, rel)).isEqualTo(0.0);
        assertThat(RetrievalMetrics.recallAt(2, ranked, rel)).isEqualTo(0.5);
        assertThat(RetrievalMetrics.recallAt(10, ranked, rel)).isEqualTo(1.0);
        assertThat(RetrievalMetrics.mrrAt(10, ranked, rel)).isEqualTo(0.5);
        assertThat(RetrievalMetrics.mrrAt(1, ranked, rel)).isEqualTo(0.0);
    }

    @Test
    void gradedRelevanceByHand() {
        // ranked b(1), a(2): DCG = 1 + 2/log2(3) = 2.261860; IDCG = 2 + 1/log2(3) = 2.630930
        double ndcg = RetrievalMetrics.ndcgAt(10, List.of("b", "a"), Map.of("a", 2, "b", 1));
        assertThat(ndcg).isCloseTo(2.261860 / 2.630930, within(1e-6));
    }

    @Test
    void cutoffAppliesToNdcg() {
        // relevant doc at rank 3, cut at 2: nothing found
        assertThat(RetrievalMetrics.ndcgAt(2, List.of("x", "y", "a"), Map.of("a", 1)))
                .isEqualTo(0.0);
        assertThat(RetrievalMetrics.ndcgAt(1, List.of("a"), Map.of("a", 1))).isEqualTo(1.0);
    }
}
