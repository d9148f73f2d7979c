package dev.gemrag.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.model.gguf.GgufMetadata;
import dev.gemrag.model.testing.HfTestWriter;
import dev.gemrag.model.testing.TinyVocab;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Converted vocabularies run through DJL's native tokenizer. Expected ids are worked out by hand
 * from the tiny vocabularies' merge ranks / piece scores (see each comment).
 */
class GgufTokenizerConverterTest {

    @Test
    void byteLevelBpeAppliesMergesByRank() {
        try (HfTextTokenizer tok = HfTextTokenizer.fromJson(HfTestWriter.tinyTokenizerJson())) {
            // "the" -> t + (h e = merge 0 -> 256); " world" -> Ġ w o r l d: o r(4), Ġ w(5), Ġw
            // or(6), l d(7), Ġwor ld(8) -> 264
            assertThat(tok.encode("the world")).containsExactly('t', 256, 264);
            // " an" -> Ġ a (rank 11 -> 267) beats a n (rank 12): [Ġa, n]
            assertThat(tok.encode(" an")).containsExactly(267, 'n');
            assertThat(tok.encode("an")).containsExactly(268);
            // newline is byte 10 (shown as U+010A); é is bytes C3 A9
            assertThat(tok.encode("\n")).containsExactly(10);
            assertThat(tok.encode("é")).containsExactly(0xC3, 0xA9);
            assertThat(tok.decode(new int[] {'t', 256, 264, 10, 0xC3, 0xA9}))
                    .isEqualTo("the world\né");
        }
    }

    @Test
    void specialTokensParsedByEncodeButNotByEncodeLiteral() {
        try (HfTextTokenizer tok = HfTextTokenizer.fromJson(HfTestWriter.tinyTokenizerJson())) {
            assertThat(tok.encode("<|im_start|>hi<|im_end|>"))
                    .containsExactly(TinyVocab.IM_START, 'h', 'i', TinyVocab.IM_END);
            assertThat(tok.encodeLiteral("<|im_start|>hi"))
                    .containsExactly(
                            '<', '|', 'i', 'm', '_', 's', 't', 'a', 'r', 't', '|', '>', 'h', 'i');
            assertThat(tok.decode(tok.encode("<|im_start|>hi<|im_end|>")))
                    .isEqualTo("<|im_start|>hi<|im_end|>");
            SpecialTokens special = tok.specialTokens();
            assertThat(special.isChatMl()).isTrue();
            assertThat(special.id("<|endoftext|>")).isEqualTo(TinyVocab.ENDOFTEXT);
            assertThat(special.id("<|nope|>")).isEqualTo(-1);
        }
    }

    @Test
    void longInputIsNotTruncated() {
        try (HfTextTokenizer tok = HfTextTokenizer.fromJson(HfTestWriter.tinyTokenizerJson())) {
            String text = " the world".repeat(2000);
            assertThat(tok.encode(text)).hasSize(4000);
            assertThat(tok.count(text)).isEqualTo(4000);
        }
    }

    @Test
    void sentencePieceMergesFollowPieceScores() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6);
            scores.add(0f);
        }
        Map<String, Float> pieces = new LinkedHashMap<>();
        for (String single : List.of("\u2581", "h", "e", "l", "o", "w", "r", "d")) {
            pieces.put(single, -10f);
        }
        pieces.put("\u2581hello", -1f);
        pieces.put("\u2581world", -1.5f);
        pieces.put("\u2581hel", -2f);
        pieces.put("\u2581wor", -2.5f);
        pieces.put("\u2581h", -3f);
        pieces.put("\u2581w", -3.5f);
        pieces.put("el", -4f);
        pieces.put("or", -4.5f);
        pieces.put("lo", -5f);
        pieces.put("ld", -5.5f);
        pieces.forEach(
                (p, s) -> {
                    tokens.add(p);
                    types.add(1);
                    scores.add(s);
                });
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("tokenizer.ggml.model", "llama");
        md.put("tokenizer.ggml.tokens", tokens);
        md.put("tokenizer.ggml.token_type", types);
        md.put("tokenizer.ggml.scores", scores);
        md.put("tokenizer.ggml.unknown_token_id", 0);
        md.put("tokenizer.ggml.add_space_prefix", true);
        String json =
                GgufTokenizerConverter.toTokenizerJson(
                        new GgufMetadata(Path.of("spm"), md), Path.of("spm"));
        int hello = tokens.indexOf("\u2581hello");
        int world = tokens.indexOf("\u2581world");
        int h = tokens.indexOf("\u2581h");
        try (HfTextTokenizer tok = HfTextTokenizer.fromJson(json)) {
            // ▁ h e l l o: ▁h(-3), el(-4), ▁hel(-2), lo(-5), ▁hello(-1) -> one piece
            assertThat(tok.encode("hello world")).containsExactly(hello, world);
            // z is not a piece: byte fallback to <0x7A> = 3 + 0x7A
            assertThat(tok.encode("hz")).containsExactly(h, 3 + 0x7A);
            assertThat(tok.decode(tok.encode("hello world"))).isEqualTo("hello world");
            assertThat(tok.decode(new int[] {h, 3 + 0x7A})).isEqualTo("hz");
        }
    }

    @Test
    void unsupportedTokenizerModelAndPreTokenizerAreNamed() {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("tokenizer.ggml.model", "bert");
        md.put("tokenizer.ggml.tokens", List.of("a"));
        assertThatThrownBy(
                        () ->
                                GgufTokenizerConverter.toTokenizerJson(
                                        new GgufMetadata(Path.of("x.gguf"), md), Path.of("x.gguf")))
                .hasMessageContaining("x.gguf")
                .hasMessageContaining("unsupported tokenizer model 'bert'");
        md.put("tokenizer.ggml.model", "gpt2");
        md.put("tokenizer.ggml.pre", "jais");
        md.put("tokenizer.ggml.merges", List.of());
        assertThatThrownBy(
                        () ->
                                GgufTokenizerConverter.toTokenizerJson(
                                        new GgufMetadata(Path.of("x.gguf"), md), Path.of("x.gguf")))
                .hasMessageContaining("x.gguf")
                .hasMessageContaining("unsupported pre-tokenizer 'jais'");
    }

    @Test
    void endOfGenerationAddsKnownEndMarkersOnce() {
        assertThat(
                        EndOfGeneration.ids(
                                List.of(2, -1, 2),
                                Map.of("<|im_end|>", 2, "<|endoftext|>", 0, "<|im_start|>", 1)))
                .containsExactly(2, 0);
    }
}
