package dev.gemrag.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.model.tokenizer.EndOfGeneration;
import dev.gemrag.model.tokenizer.SpecialTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tokenizer side of a Hugging Face directory: tokenizer.json, the chat template
 * (tokenizer_config.json's chat_template or chat_template.jinja), BOS and end-of-generation ids.
 */
record HfTokenizerFiles(
        String tokenizerJson,
        String chatTemplate,
        int bosTokenId,
        List<Integer> eosTokenIds,
        int appendEosTokenId) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static HfTokenizerFiles read(Path dir, JsonNode config) {
        Path tokenizerFile = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new HfFormatException(
                    tokenizerFile + ": file not found (a fast tokenizer.json is required)");
        }
        String tokenizerJson = readString(tokenizerFile);
        JsonNode tokenizer = parse(tokenizerFile, tokenizerJson);
        SpecialTokens special = SpecialTokens.parse(tokenizerJson);
        Path configFile = dir.resolve("tokenizer_config.json");
        JsonNode tc =
                Files.isRegularFile(configFile)
                        ? parse(configFile, readString(configFile))
                        : JSON.createObjectNode();

        String template = chatTemplate(dir, tc);
        int bos = bos(tc, tokenizer, special);
        List<Integer> declared = new ArrayList<>();
        addIds(declared, config.path("eos_token_id"));
        Path generation = dir.resolve("generation_config.json");
        if (Files.isRegularFile(generation)) {
            addIds(declared, parse(generation, readString(generation)).path("eos_token_id"));
        }
        declared.add(special.id(tokenText(tc.path("eos_token"))));
        int appendEos =
                tc.path("add_eos_token").asBoolean(false)
                        ? special.id(tokenText(tc.path("eos_token")))
                        : -1;
        return new HfTokenizerFiles(
                tokenizerJson,
                template,
                bos,
                EndOfGeneration.ids(declared, special.asMap()),
                appendEos);
    }

    private static String chatTemplate(Path dir, JsonNode tc) {
        JsonNode t = tc.path("chat_template");
        if (t.isTextual()) {
            return t.asText();
        }
        if (t.isArray()) { // [{"name": "default", "template": ...}, ...]
            for (JsonNode named : t) {
                if ("default".equals(named.path("name").asText())) {
                    return named.path("template").asText();
                }
            }
        }
        Path jinja = dir.resolve("chat_template.jinja");
        return Files.isRegularFile(jinja) ? readString(jinja) : null;
    }

    /**
     * The BOS to prepend: when tokenizer_config says add_bos_token, or the post-processor template
     * starts with one.
     */
    private static int bos(JsonNode tc, JsonNode tokenizer, SpecialTokens special) {
        if (tc.has("add_bos_token")) {
            return tc.get("add_bos_token").asBoolean()
                    ? special.id(tokenText(tc.path("bos_token")))
                    : -1;
        }
        JsonNode first =
                tokenizer.path("post_processor").path("single").path(0).path("SpecialToken");
        if (first.isObject()) {
            return special.id(first.path("id").asText());
        }
        for (JsonNode p :
                tokenizer.path("post_processor").path("processors")) { // Sequence of processors
            JsonNode s = p.path("single").path(0).path("SpecialToken");
            if (s.isObject()) {
                return special.id(s.path("id").asText());
            }
        }
        return -1;
    }

    private static String tokenText(JsonNode token) {
        return token.isTextual() ? token.asText() : token.path("content").asText("");
    }

    private static void addIds(List<Integer> out, JsonNode ids) {
        if (ids.isInt()) {
            out.add(ids.asInt());
        } else if (ids.isArray()) {
            ids.forEach(id -> out.add(id.asInt()));
        }
    }

    static JsonNode parse(Path file, String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new HfFormatException(
                    file + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new HfFormatException(file + ": cannot read: " + e.getMessage());
        }
    }
}
