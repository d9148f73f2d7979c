package dev.gemrag.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.TextTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A {@link TextTokenizer} over a Hugging Face tokenizer.json, run by DJL's native tokenizers.
 *
 * <p>{@link #encode} adds no BOS/EOS but does recognise special-token text such as {@code
 * <|im_start|>} (what a rendered chat template needs). {@link #encodeLiteral} treats such text as
 * plain characters (llama.cpp's {@code special=false}): use it for untrusted document text.
 * Thread-safe; close it to free the native tokenizers.
 */
public final class HfTextTokenizer implements TextTokenizer, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> OPTIONS =
            Map.of(
                    "addSpecialTokens", "false",
                    "truncation", "false",
                    "padding", "false",
                    "modelMaxLength", String.valueOf(Integer.MAX_VALUE));

    private final HuggingFaceTokenizer tokenizer;
    private final HuggingFaceTokenizer literal;
    private final SpecialTokens specialTokens;

    private HfTextTokenizer(String json) {
        ObjectNode root = parse(json);
        this.specialTokens = SpecialTokens.fromTokenizerJson(root);
        this.tokenizer = load(json);
        this.literal = load(withoutSpecialAddedTokens(root));
    }

    public static HfTextTokenizer fromJson(String tokenizerJson) {
        return new HfTextTokenizer(tokenizerJson);
    }

    public static HfTextTokenizer of(Checkpoint checkpoint) {
        return fromJson(checkpoint.tokenizerJson());
    }

    @Override
    public int[] encode(String text) {
        return toInts(tokenizer.encode(text, false, false).getIds());
    }

    /**
     * Encodes without recognising special tokens: "&lt;|im_end|&gt;" in the text stays characters.
     */
    public int[] encodeLiteral(String text) {
        return toInts(literal.encode(text, false, false).getIds());
    }

    /** Decodes ids to text, special tokens included, so that decode(encode(s)) == s. */
    @Override
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return tokenizer.decode(longs, false);
    }

    /** Special and added tokens (eos, ChatML markers, ...) by text and id. */
    public SpecialTokens specialTokens() {
        return specialTokens;
    }

    @Override
    public void close() {
        tokenizer.close();
        literal.close();
    }

    private static HuggingFaceTokenizer load(String json) {
        try {
            return HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), OPTIONS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer.json: " + e.getMessage(), e);
        }
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException(
                    "tokenizer.json is not a JSON object: " + e.getMessage(), e);
        }
    }

    /**
     * The same tokenizer with special added tokens removed, so their text is split like any other.
     */
    private static String withoutSpecialAddedTokens(ObjectNode root) {
        ObjectNode copy = root.deepCopy();
        ArrayNode kept = JSON.createArrayNode();
        for (JsonNode t : root.path("added_tokens")) {
            if (!t.path("special").asBoolean(false)) {
                kept.add(t);
            }
        }
        copy.set("added_tokens", kept);
        return copy.toString();
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }
}
