package dev.gemrag.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The added tokens of a tokenizer.json (special or user-defined) by text, e.g. "&lt;|im_end|&gt;"
 * -> 2.
 */
public final class SpecialTokens {
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";

    private final Map<String, Integer> ids;

    private SpecialTokens(Map<String, Integer> ids) {
        this.ids = Collections.unmodifiableMap(ids);
    }

    /** Reads the added_tokens of a tokenizer.json string. */
    public static SpecialTokens parse(String tokenizerJson) {
        try {
            return fromTokenizerJson(new ObjectMapper().readTree(tokenizerJson));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "tokenizer.json is not valid JSON: " + e.getMessage(), e);
        }
    }

    static SpecialTokens fromTokenizerJson(JsonNode root) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            ids.putIfAbsent(t.path("content").asText(), t.path("id").asInt());
        }
        return new SpecialTokens(ids);
    }

    /** The id of an added token, or -1 when the vocabulary has no such token. */
    public int id(String token) {
        return ids.getOrDefault(token, -1);
    }

    public boolean has(String token) {
        return ids.containsKey(token);
    }

    /** True when the vocabulary has ChatML's &lt;|im_start|&gt; and &lt;|im_end|&gt;. */
    public boolean isChatMl() {
        return has(IM_START) && has(IM_END);
    }

    public Map<String, Integer> asMap() {
        return ids;
    }
}
