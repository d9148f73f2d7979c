package dev.gemrag.model.gem;

import dev.gemrag.model.TextTokenizer;

/** Test tokenizer for tiny random models: one token per character, ids in [1, vocab). */
public final class CharTokenizer implements TextTokenizer {
    private final int vocab;

    public CharTokenizer(int vocab) {
        this.vocab = vocab;
    }

    @Override
    public int[] encode(String text) {
        return text.chars().map(c -> 1 + c % (vocab - 1)).toArray();
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append((char) ('a' + id % 26));
        }
        return sb.toString();
    }
}
