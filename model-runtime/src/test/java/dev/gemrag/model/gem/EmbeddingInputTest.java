package dev.gemrag.model.gem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.TextTokenizer;
import org.junit.jupiter.api.Test;

class EmbeddingInputTest {
    /** One token per character: code point value. */
    private static final TextTokenizer CHARS =
            new TextTokenizer() {
                @Override
                public int[] encode(String text) {
                    return text.chars().toArray();
                }

                @Override
                public String decode(int[] ids) {
                    return new String(ids, 0, ids.length);
                }
            };

    @Test
    void appendsSummaryIdsAfterInstructionAndText() {
        TruncationCounter counter = new TruncationCounter(100);
        EmbeddingInput in = EmbeddingInput.of(CHARS, "Q:", "ab", 16, 2, 1000, counter);
        assertThat(in.ids()).containsExactly('Q', ':', 'a', 'b', 1000, 1001);
        assertThat(in.layout()).isEqualTo(GemLayout.embedding(4, 2));
        assertThat(counter.count()).isZero();
    }

    @Test
    void truncatesToTheLimitAndCountsIt() {
        TruncationCounter counter = new TruncationCounter(100);
        EmbeddingInput in = EmbeddingInput.of(CHARS, "", "abcdefgh", 5, 1, 50, counter);
        assertThat(in.ids()).containsExactly('a', 'b', 'c', 'd', 50);
        assertThat(counter.count()).isEqualTo(1);
        EmbeddingInput plain = EmbeddingInput.of(CHARS, "", "abcdefgh", 5, 0, 50, counter);
        assertThat(plain.ids()).containsExactly('a', 'b', 'c', 'd', 'e');
        assertThat(counter.count()).isEqualTo(2);
    }
}
