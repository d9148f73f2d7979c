package dev.gemrag.model;

/** The model's own tokenizer, as the chunker and the prompt builder need it. */
public interface TextTokenizer {
    /** Token ids of text, without BOS or any special token added. */
    int[] encode(String text);

    String decode(int[] ids);

    default int count(String text) {
        return encode(text).length;
    }
}
