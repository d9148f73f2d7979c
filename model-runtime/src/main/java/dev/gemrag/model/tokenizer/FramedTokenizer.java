package dev.gemrag.model.tokenizer;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.TextTokenizer;

/**
 * A tokenizer whose {@link #encode} frames every input as the vocabulary asks (its {@code
 * add_bos_token} / {@code add_eos_token}): BOS first unless the text already starts with it (a
 * rendered Llama 3 chat prompt writes {@code <|begin_of_text|>} itself), EOS last unless already
 * there. This is what the model saw in training; the embedder, the generator and the GEM trainer
 * encode through it. Counting for chunking and {@link #decode} use the plain tokenizer.
 */
public final class FramedTokenizer implements TextTokenizer {
    private final TextTokenizer plain;
    private final int bos;
    private final int eos;

    private FramedTokenizer(TextTokenizer plain, int bos, int eos) {
        this.plain = plain;
        this.bos = bos;
        this.eos = eos;
    }

    /** {@code plain} itself when the vocabulary adds nothing (SmolLM2, Qwen). */
    public static TextTokenizer of(TextTokenizer plain, int bosOrNegative, int eosOrNegative) {
        if (bosOrNegative < 0 && eosOrNegative < 0) {
            return plain;
        }
        return new FramedTokenizer(plain, bosOrNegative, eosOrNegative);
    }

    /** Framing by the checkpoint's {@code bosTokenId} and {@code appendEosTokenId}. */
    public static TextTokenizer of(TextTokenizer plain, Checkpoint checkpoint) {
        return of(plain, checkpoint.bosTokenId(), checkpoint.appendEosTokenId());
    }

    @Override
    public int[] encode(String text) {
        int[] ids = plain.encode(text);
        boolean addBos = bos >= 0 && (ids.length == 0 || ids[0] != bos);
        boolean addEos = eos >= 0 && (ids.length == 0 || ids[ids.length - 1] != eos);
        int[] out = new int[ids.length + (addBos ? 1 : 0) + (addEos ? 1 : 0)];
        int at = 0;
        if (addBos) {
            out[at++] = bos;
        }
        System.arraycopy(ids, 0, out, at, ids.length);
        if (addEos) {
            out[out.length - 1] = eos;
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        return plain.decode(ids);
    }

    @Override
    public int count(String text) {
        return plain.count(text);
    }
}
