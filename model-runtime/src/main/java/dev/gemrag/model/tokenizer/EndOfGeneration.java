package dev.gemrag.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tokens that end generation: the declared eos/eot plus the usual end-of-turn markers a
 * vocabulary has.
 */
public final class EndOfGeneration {
    /** End-of-turn texts of common chat formats (ChatML, Llama 3, Gemma, ...). */
    private static final List<String> KNOWN =
            List.of(
                    "<|im_end|>",
                    "<|endoftext|>",
                    "<|eot_id|>",
                    "<|eom_id|>",
                    "<|end_of_text|>",
                    "<end_of_turn>",
                    "</s>");

    private EndOfGeneration() {}

    /**
     * @param declared ids the model declares (eos, eot); negative values are ignored
     * @param added added tokens by text (see {@link SpecialTokens#asMap()})
     */
    public static List<Integer> ids(List<Integer> declared, Map<String, Integer> added) {
        List<Integer> out = new ArrayList<>();
        for (int id : declared) {
            if (id >= 0 && !out.contains(id)) {
                out.add(id);
            }
        }
        for (String text : KNOWN) {
            Integer id = added.get(text);
            if (id != null && !out.contains(id)) {
                out.add(id);
            }
        }
        return List.copyOf(out);
    }
}
