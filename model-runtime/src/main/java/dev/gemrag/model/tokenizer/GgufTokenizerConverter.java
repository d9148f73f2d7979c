package dev.gemrag.model.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.model.gguf.GgufFormatException;
import dev.gemrag.model.gguf.GgufMetadata;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a GGUF vocabulary ({@code tokenizer.ggml.*}) into a Hugging Face tokenizer.json string.
 *
 * <ul>
 *   <li>"gpt2": byte-level BPE with the file's merges and the pre-tokenizer named by {@code
 *       tokenizer.ggml.pre}.
 *   <li>"llama": SentencePiece as BPE with byte fallback; merges are derived from the token scores.
 * </ul>
 *
 * Control tokens become special added tokens (matched in text, skipped by nothing: decode keeps
 * them); user-defined tokens become plain added tokens, as llama.cpp always matches them.
 */
public final class GgufTokenizerConverter {
    private static final Logger LOG = LoggerFactory.getLogger(GgufTokenizerConverter.class);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private GgufTokenizerConverter() {}

    public static String toTokenizerJson(GgufMetadata md, Path source) {
        String model = md.string("tokenizer.ggml.model");
        List<String> tokens = md.strings("tokenizer.ggml.tokens");
        int[] types =
                md.has("tokenizer.ggml.token_type") ? md.ints("tokenizer.ggml.token_type") : null;
        if (types != null && types.length != tokens.size()) {
            throw new GgufFormatException(
                    source
                            + ": tokenizer.ggml.token_type has "
                            + types.length
                            + " entries for "
                            + tokens.size()
                            + " tokens");
        }
        ObjectNode root = F.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.set("added_tokens", addedTokens(tokens, types));
        switch (model) {
            case "gpt2" -> gpt2(md, source, tokens, root);
            case "llama" -> sentencePiece(md, tokens, types, root);
            default ->
                    throw new GgufFormatException(
                            source
                                    + ": unsupported tokenizer model '"
                                    + model
                                    + "' (supported: gpt2, llama)");
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void gpt2(GgufMetadata md, Path source, List<String> tokens, ObjectNode root) {
        String pre = md.string("tokenizer.ggml.pre", "default");
        if (!PreTokenizers.supports(pre)) {
            throw new GgufFormatException(
                    source
                            + ": unsupported pre-tokenizer '"
                            + pre
                            + "' (supported: "
                            + String.join(", ", PreTokenizers.supported())
                            + ")");
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", PreTokenizers.forName(pre));
        root.putNull("post_processor");
        root.putObject("decoder")
                .put("type", "ByteLevel")
                .put("add_prefix_space", true)
                .put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode bpe = bpeModel(null, false, PreTokenizers.ignoreMerges(pre));
        bpe.set("vocab", vocab(tokens, source));
        ArrayNode merges = bpe.putArray("merges");
        for (String merge : md.strings("tokenizer.ggml.merges")) {
            merges.add(merge);
        }
        root.set("model", bpe);
    }

    private static void sentencePiece(
            GgufMetadata md, List<String> tokens, int[] types, ObjectNode root) {
        boolean addSpacePrefix = md.bool("tokenizer.ggml.add_space_prefix", true);
        ObjectNode normalizer = F.objectNode().put("type", "Sequence");
        ArrayNode norms = normalizer.putArray("normalizers");
        if (addSpacePrefix) {
            norms.addObject().put("type", "Prepend").put("prepend", "\u2581");
        }
        ObjectNode replace = norms.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", "\u2581");
        root.set("normalizer", normalizer);
        root.putNull("pre_tokenizer");
        root.putNull("post_processor");

        ObjectNode decoder = F.objectNode().put("type", "Sequence");
        ArrayNode decs = decoder.putArray("decoders");
        ObjectNode unspace = decs.addObject().put("type", "Replace");
        unspace.putObject("pattern").put("String", "\u2581");
        unspace.put("content", " ");
        decs.addObject().put("type", "ByteFallback");
        decs.addObject().put("type", "Fuse");
        if (addSpacePrefix) {
            decs.addObject()
                    .put("type", "Strip")
                    .put("content", " ")
                    .put("start", 1)
                    .put("stop", 0);
        }
        root.set("decoder", decoder);

        int unk = md.integer("tokenizer.ggml.unknown_token_id", 0);
        ObjectNode bpe = bpeModel(tokens.get(unk), true, false);
        bpe.set("vocab", vocab(tokens, null));
        float[] scores = md.reals("tokenizer.ggml.scores");
        bpe.set("merges", SentencePieceMerges.derive(tokens, scores, types));
        root.set("model", bpe);
    }

    private static ObjectNode bpeModel(
            String unkToken, boolean byteFallback, boolean ignoreMerges) {
        ObjectNode bpe = F.objectNode().put("type", "BPE");
        bpe.putNull("dropout");
        if (unkToken == null) {
            bpe.putNull("unk_token");
        } else {
            bpe.put("unk_token", unkToken);
        }
        bpe.putNull("continuing_subword_prefix");
        bpe.putNull("end_of_word_suffix");
        bpe.put("fuse_unk", byteFallback);
        bpe.put("byte_fallback", byteFallback);
        bpe.put("ignore_merges", ignoreMerges);
        return bpe;
    }

    private static ObjectNode vocab(List<String> tokens, Path source) {
        ObjectNode vocab = F.objectNode();
        Set<String> seen = new HashSet<>();
        for (int id = 0; id < tokens.size(); id++) {
            String t = tokens.get(id);
            if (seen.add(t)) {
                vocab.put(t, id);
            } else if (source != null) {
                LOG.warn("{}: token {} repeats '{}'; the first id keeps the string", source, id, t);
            }
        }
        return vocab;
    }

    private static ArrayNode addedTokens(List<String> tokens, int[] types) {
        ArrayNode added = F.arrayNode();
        if (types == null) {
            return added;
        }
        for (int id = 0; id < tokens.size(); id++) {
            int type = types[id];
            if (type != GgufTokenType.CONTROL
                    && type != GgufTokenType.USER_DEFINED
                    && type != GgufTokenType.UNKNOWN) {
                continue;
            }
            added.addObject()
                    .put("id", id)
                    .put("content", tokens.get(id))
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", false)
                    .put("special", type != GgufTokenType.USER_DEFINED);
        }
        return added;
    }
}
