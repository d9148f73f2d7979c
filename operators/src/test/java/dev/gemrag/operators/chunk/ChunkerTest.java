package dev.gemrag.operators.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.model.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    private final WhitespaceTokenizer words = new WhitespaceTokenizer();

    /** A sentence of n words: "s<id>w1 ... s<id>wn." so every word is unique and traceable. */
    private static String sentence(String id, int n) {
        return IntStream.rangeClosed(1, n)
                        .mapToObj(i -> id + "w" + i)
                        .collect(Collectors.joining(" "))
                + ".";
    }

    private static String paragraph(String id, int sentences, int wordsEach) {
        return IntStream.rangeClosed(1, sentences)
                .mapToObj(s -> sentence(id + "s" + s, wordsEach))
                .collect(Collectors.joining(" "));
    }

    @Test
    void blankOrNullTextGivesNoChunks() {
        Chunker c = new Chunker(words, 32, 4);
        assertThat(c.split(null)).isEmpty();
        assertThat(c.split("")).isEmpty();
        assertThat(c.split(" \n\n \t ")).isEmpty();
    }

    @Test
    void shortTextIsOneChunkStripped() {
        assertThat(new Chunker(words, 32, 4).split("\n  Hello there. How are you?  \n"))
                .containsExactly("Hello there. How are you?");
    }

    @Test
    void everyChunkFitsAndNothingIsLostOrReordered() {
        String text =
                String.join(
                        "\n\n", paragraph("a", 7, 9), paragraph("b", 2, 5), paragraph("c", 12, 4));
        List<String> chunks = new Chunker(words, 20, 0).split(text);
        assertThat(chunks).allSatisfy(ch -> assertThat(words.count(ch)).isBetween(1, 20));
        // Without overlap the chunks are the text, in order.
        assertThat(String.join(" ", chunks).split("\\s+")).containsExactly(text.split("\\s+"));
    }

    @Test
    void chunksEndBetweenParagraphsWhenParagraphsFit() {
        String p1 = paragraph("a", 3, 9); // 27 tokens
        String p2 = paragraph("b", 3, 9);
        String p3 = paragraph("c", 3, 9);
        List<String> chunks = new Chunker(words, 60, 0).split(p1 + "\n\n" + p2 + "\n\n" + p3);
        assertThat(chunks).containsExactly(p1 + "\n\n" + p2, p3);
    }

    @Test
    void longParagraphIsCutBetweenSentences() {
        String p = paragraph("a", 10, 7); // 70 tokens, sentences of 7
        List<String> chunks = new Chunker(words, 16, 0).split(p);
        // 16 tokens hold two whole sentences, never a sentence and a half.
        assertThat(chunks)
                .hasSize(5)
                .allSatisfy(
                        ch -> {
                            assertThat(ch).endsWith(".");
                            assertThat(words.count(ch)).isEqualTo(14);
                        });
    }

    @Test
    void overlapRepeatsWholeTrailingSentences() {
        String p = paragraph("a", 8, 6); // sentences of 6 tokens
        List<String> chunks = new Chunker(words, 20, 7).split(p);
        assertThat(chunks.size()).isGreaterThan(2);
        for (int i = 1; i < chunks.size(); i++) {
            String prev = chunks.get(i - 1);
            String lastSentence =
                    prev.substring(
                            prev.lastIndexOf(' ', prev.length() - 2 - lastWordLength(prev)) + 1);
            // the previous chunk's last sentence (6 tokens <= overlap 7) opens the next chunk
            String[] prevWords = prev.split(" ");
            String tail =
                    String.join(
                            " ",
                            Arrays.copyOfRange(prevWords, prevWords.length - 6, prevWords.length));
            assertThat(chunks.get(i)).startsWith(tail);
            assertThat(lastSentence).isNotBlank();
            assertThat(words.count(chunks.get(i))).isLessThanOrEqualTo(20);
        }
        // every sentence appears somewhere
        for (int s = 1; s <= 8; s++) {
            String sent = sentence("as" + s, 6);
            assertThat(chunks).anySatisfy(ch -> assertThat(ch).contains(sent));
        }
    }

    private static int lastWordLength(String s) {
        return s.length() - s.lastIndexOf(' ') - 1;
    }

    @Test
    void overlapLargerThanTheTrailingSentenceIsSkippedNotSplit() {
        String p =
                paragraph(
                        "a", 6,
                        9); // sentences of 9 tokens, overlap budget 4: no whole sentence fits
        List<String> chunks = new Chunker(words, 18, 4).split(p);
        assertThat(chunks).hasSize(3);
        assertThat(String.join(" ", chunks).split("\\s+")).containsExactly(p.split("\\s+"));
    }

    @Test
    void sentenceLongerThanAChunkIsCutBetweenWords() {
        String s = sentence("x", 50);
        List<String> chunks = new Chunker(words, 16, 0).split(s);
        assertThat(chunks).hasSize(4);
        assertThat(chunks).allSatisfy(ch -> assertThat(words.count(ch)).isLessThanOrEqualTo(16));
        assertThat(String.join(" ", chunks)).isEqualTo(s);
    }

    @Test
    void wordLongerThanAChunkIsCutBetweenTokens() {
        TextTokenizer chars = new CharTokenizer();
        String blob = "a".repeat(10) + "b".repeat(30) + "c".repeat(30);
        List<String> chunks = new Chunker(chars, 32, 0).split("start " + blob + " end");
        assertThat(chunks).allSatisfy(ch -> assertThat(chars.count(ch)).isLessThanOrEqualTo(32));
        assertThat(String.join("", chunks).replace(" ", "")).isEqualTo("start" + blob + "end");
    }

    @Test
    void exactCountWinsWhenPiecesDoNotAddUp() {
        // A tokenizer where joining pieces costs extra tokens (each space is a token of its own):
        // the per-piece estimate undercounts, and the exact check must keep every chunk in budget.
        TextTokenizer spacey = new CharTokenizer();
        String text = paragraph("q", 12, 3);
        List<String> chunks = new Chunker(spacey, 40, 10).split(text);
        assertThat(chunks).allSatisfy(ch -> assertThat(spacey.count(ch)).isLessThanOrEqualTo(40));
        for (int s = 1; s <= 12; s++) {
            String sent = sentence("qs" + s, 3);
            assertThat(chunks).anySatisfy(ch -> assertThat(ch).contains(sent));
        }
    }

    @Test
    void settingsAreValidatedWithTheirKeys() {
        assertThatThrownBy(() -> new Chunker(words, 4, 0)).hasMessageContaining("chunk.size");
        assertThatThrownBy(() -> new Chunker(words, 64, 40)).hasMessageContaining("chunk.overlap");
        assertThatThrownBy(() -> new Chunker(words, 64, -1)).hasMessageContaining("chunk.overlap");
    }

    /** One token per character, leading whitespace included. */
    static final class CharTokenizer implements TextTokenizer {
        @Override
        public int[] encode(String text) {
            return text.chars().toArray();
        }

        @Override
        public String decode(int[] ids) {
            List<String> s = new ArrayList<>();
            StringBuilder sb = new StringBuilder();
            for (int id : ids) {
                sb.appendCodePoint(id);
            }
            s.add(sb.toString());
            return s.get(0);
        }
    }
}
