package dev.gemrag.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.gguf.GgufFile;
import dev.gemrag.model.gguf.GgufReader;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tokenizer converted from the default model's GGUF vocabulary gives exactly llama.cpp's ids.
 * Fixture: tools/fixtures/llamacpp_token_ids.py (llama-cpp-python, see the fixture's "command").
 */
class TokenizerMatchesLlamaCppIT {
    private static JsonNode fixture;
    private static HfTextTokenizer tokenizer;

    @BeforeAll
    static void setUp() throws Exception {
        try (InputStream in =
                TokenizerMatchesLlamaCppIT.class.getResourceAsStream(
                        "/fixtures/smollm2-llamacpp-tokens.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        Path model = DefaultModel.path();
        assertThat(fixture.get("model_sha256").asText()).isEqualTo(DefaultModel.SHA256);
        GgufFile file = GgufReader.read(model);
        tokenizer =
                HfTextTokenizer.fromJson(
                        GgufTokenizerConverter.toTokenizerJson(file.metadata(), model));
    }

    @AfterAll
    static void tearDown() {
        tokenizer.close();
    }

    @Test
    void literalEncodingMatchesLlamaCppWithoutSpecialParsing() {
        for (JsonNode c : fixture.get("cases")) {
            String text = c.get("text").asText();
            assertThat(tokenizer.encodeLiteral(text))
                    .as("literal ids of %s", show(text))
                    .containsExactly(ids(c.get("ids")));
        }
    }

    @Test
    void encodingMatchesLlamaCppWithSpecialParsing() {
        for (JsonNode c : fixture.get("cases")) {
            String text = c.get("text").asText();
            assertThat(tokenizer.encode(text))
                    .as("ids of %s", show(text))
                    .containsExactly(ids(c.get("ids_special")));
        }
    }

    @Test
    void decodeRoundTrips() {
        List<String> texts = new ArrayList<>();
        fixture.get("cases").forEach(c -> texts.add(c.get("text").asText()));
        for (String text : texts) {
            assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
            assertThat(tokenizer.decode(tokenizer.encodeLiteral(text))).isEqualTo(text);
        }
    }

    @Test
    void specialTokensAreFound() {
        assertThat(tokenizer.specialTokens().isChatMl()).isTrue();
        assertThat(tokenizer.encode("<|im_start|>user\nhi<|im_end|>")).startsWith(1).endsWith(2);
        assertThat(tokenizer.encodeLiteral("<|im_end|>")).doesNotContain(2).hasSizeGreaterThan(1);
    }

    private static int[] ids(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asInt();
        }
        return out;
    }

    private static String show(String s) {
        return "\"" + s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + "\"";
    }
}
