package dev.gemrag.model.tokenizer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face pre-tokenizers for llama.cpp's {@code tokenizer.ggml.pre} names (the regexes
 * llama.cpp applies for each name, expressed as tokenizer.json nodes).
 */
final class PreTokenizers {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /**
     * Llama 3: letters with one leading non-letter, digits in runs of at most 3, newlines grouped.
     */
    private static final String LLAMA3 =
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
                    + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Qwen2: as Llama 3 but single digits. */
    private static final String QWEN2 = LLAMA3.replace("\\p{N}{1,3}", "\\p{N}");

    private enum Kind {
        GPT2,
        DIGITS_THEN_GPT2,
        LLAMA3,
        QWEN2
    }

    private static final Map<String, Kind> BY_NAME =
            Map.ofEntries(
                    Map.entry("default", Kind.GPT2),
                    Map.entry("gpt-2", Kind.GPT2),
                    Map.entry("smollm", Kind.DIGITS_THEN_GPT2),
                    Map.entry("starcoder", Kind.DIGITS_THEN_GPT2),
                    Map.entry("refact", Kind.DIGITS_THEN_GPT2),
                    Map.entry("command-r", Kind.DIGITS_THEN_GPT2),
                    Map.entry("codeshell", Kind.DIGITS_THEN_GPT2),
                    Map.entry("llama3", Kind.LLAMA3),
                    Map.entry("llama-v3", Kind.LLAMA3),
                    Map.entry("llama-bpe", Kind.LLAMA3),
                    Map.entry("falcon3", Kind.LLAMA3),
                    Map.entry("qwen2", Kind.QWEN2),
                    Map.entry("deepseek-r1-qwen", Kind.QWEN2));

    private PreTokenizers() {}

    static boolean supports(String pre) {
        return BY_NAME.containsKey(pre);
    }

    static List<String> supported() {
        return BY_NAME.keySet().stream().sorted().toList();
    }

    /**
     * Whether BPE should take a whole pre-token from the vocabulary before merging (llama.cpp does
     * for Llama 3).
     */
    static boolean ignoreMerges(String pre) {
        return BY_NAME.get(pre) == Kind.LLAMA3;
    }

    static ObjectNode forName(String pre) {
        Kind kind = BY_NAME.get(pre);
        if (kind == null) {
            throw new IllegalArgumentException("unknown pre-tokenizer '" + pre + "'");
        }
        return switch (kind) {
            case GPT2 -> byteLevel(true);
            case DIGITS_THEN_GPT2 -> sequence(digits(), byteLevel(true));
            case LLAMA3 -> sequence(split(LLAMA3), byteLevel(false));
            case QWEN2 -> sequence(split(QWEN2), byteLevel(false));
        };
    }

    /**
     * ByteLevel maps bytes to printable characters; with useRegex it also applies GPT-2's split.
     */
    private static ObjectNode byteLevel(boolean useRegex) {
        return F.objectNode()
                .put("type", "ByteLevel")
                .put("add_prefix_space", false)
                .put("trim_offsets", true)
                .put("use_regex", useRegex);
    }

    private static ObjectNode digits() {
        return F.objectNode().put("type", "Digits").put("individual_digits", true);
    }

    private static ObjectNode split(String regex) {
        ObjectNode n = F.objectNode().put("type", "Split");
        n.putObject("pattern").put("Regex", regex);
        return n.put("behavior", "Isolated").put("invert", false);
    }

    private static ObjectNode sequence(ObjectNode... parts) {
        ObjectNode n = F.objectNode().put("type", "Sequence");
        var arr = n.putArray("pretokenizers");
        for (ObjectNode p : parts) {
            arr.add(p);
        }
        return n;
    }
}
