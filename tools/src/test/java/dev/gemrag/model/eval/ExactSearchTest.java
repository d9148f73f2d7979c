package dev.gemrag.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExactSearchTest {
    @Test
    void ranksByDotProductAndBreaksTiesByCorpusOrder() {
        ExactSearch s =
                new ExactSearch(
                        List.of("a", "b", "c", "d"),
                        List.of(
                                new float[] {1, 0},
                                new float[] {0, 1},
                                new float[] {0.6f, 0.8f},
                                new float[] {0, 1}));
        assertThat(s.topK(new float[] {0, 1}, 3)).containsExactly("b", "d", "c");
        assertThat(s.topK(new float[] {1, 0}, 2)).containsExactly("a", "c");
    }
}
