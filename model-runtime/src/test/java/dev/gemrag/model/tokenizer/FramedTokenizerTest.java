package dev.gemrag.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.TextTokenizer;
import org.junit.jupiter.api.Test;

class FramedTokenizerTest {
    /** "a" -> 1, "b" -> 2, "B" -> 9 (the BOS text), "E" -> 8 (the EOS text). */
    private static final TextTokenizer PLAIN =
            new TextTokenizer() {
                @Override
                public int[] encode(String text) {
                    return text.chars()
                            .map(c -> c == 'B' ? 9 : c == 'E' ? 8 : c - 'a' + 1)
                            .toArray();
                }

                @Override
                public String decode(int[] ids) {
                    return "";
                }
            };

    @Test
    void addsBosUnlessTheTextStartsWithIt() {
        TextTokenizer t = FramedTokenizer.of(PLAIN, 9, -1);
        assertThat(t.encode("ab")).containsExactly(9, 1, 2);
        assertThat(t.encode("Bab"))
                .as("a rendered Llama 3 prompt carries its BOS")
                .containsExactly(9, 1, 2);
        assertThat(t.encode("")).containsExactly(9);
        assertThat(t.count("ab")).as("counting for chunking stays plain").isEqualTo(2);
    }

    @Test
    void addsEosWhenAsked() {
        assertThat(FramedTokenizer.of(PLAIN, 9, 8).encode("ab")).containsExactly(9, 1, 2, 8);
        assertThat(FramedTokenizer.of(PLAIN, -1, 8).encode("abE")).containsExactly(1, 2, 8);
    }

    @Test
    void aVocabularyThatAddsNothingKeepsThePlainTokenizer() {
        assertThat(FramedTokenizer.of(PLAIN, -1, -1)).isSameAs(PLAIN);
    }
}
