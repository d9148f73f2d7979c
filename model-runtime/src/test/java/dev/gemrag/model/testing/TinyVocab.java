package dev.gemrag.model.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A 272-token byte-level BPE vocabulary for tiny test models: the 256 GPT-2 byte characters (id =
 * byte value), 13 merges, then &lt;|endoftext|&gt;, &lt;|im_start|&gt;, &lt;|im_end|&gt;.
 */
public final class TinyVocab {
    public static final List<String> MERGES =
            List.of(
                    "h e",
                    "l l",
                    "\u0120 t",
                    "\u0120t he",
                    "o r",
                    "\u0120 w",
                    "\u0120w or",
                    "l d",
                    "\u0120wor ld",
                    "e r",
                    "i n",
                    "\u0120 a",
                    "a n");
    public static final int ENDOFTEXT = 269;
    public static final int IM_START = 270;
    public static final int IM_END = 271;
    public static final int SIZE = 272;
    public static final String CHAT_TEMPLATE =
            "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
                    + "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

    private TinyVocab() {}

    public static List<String> tokens() {
        List<String> tokens = new ArrayList<>(byteChars());
        for (String m : MERGES) {
            tokens.add(m.replace(" ", ""));
        }
        tokens.add("<|endoftext|>");
        tokens.add("<|im_start|>");
        tokens.add("<|im_end|>");
        return tokens;
    }

    /** llama.cpp token types: 1 normal, 3 control. */
    public static List<Integer> tokenTypes() {
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            types.add(i >= ENDOFTEXT ? 3 : 1);
        }
        return types;
    }

    /**
     * GPT-2's byte-to-character table: printable bytes map to themselves, the rest to U+0100
     * onwards.
     */
    static List<String> byteChars() {
        List<String> chars = new ArrayList<>();
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable =
                    (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            chars.add(String.valueOf((char) (printable ? b : next++)));
        }
        return chars;
    }
}
