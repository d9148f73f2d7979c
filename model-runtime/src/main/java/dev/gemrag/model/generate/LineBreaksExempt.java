package dev.gemrag.model.generate;

import dev.gemrag.model.TextTokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * Keeps line-break tokens out of the repetition controls: their logits are restored after the
 * wrapped controls ran (llama.cpp's former {@code penalize_nl = false}). A reply's second line
 * break is no repetition, but a 1.3 repetition penalty treats it as one: the model then skipped the
 * newline after a code fence's language tag and wrote "```bash# grep ...", and ran the lines of a
 * code block together.
 */
final class LineBreaksExempt implements LogitProcessor {
    private final int[] ids;
    private final List<LogitProcessor> controls;

    /**
     * @param ids the line-break tokens ({@link #tokens})
     * @param controls the repetition controls, in order
     */
    LineBreaksExempt(int[] ids, List<LogitProcessor> controls) {
        this.ids = ids.clone();
        this.controls = List.copyOf(controls);
    }

    @Override
    public void apply(float[] logits, int offset, int vocab, int[] history, int length) {
        float[] kept = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            kept[i] = ids[i] < vocab ? logits[offset + ids[i]] : 0f;
        }
        for (LogitProcessor c : controls) {
            c.apply(logits, offset, vocab, history, length);
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < vocab) {
                logits[offset + ids[i]] = kept[i];
            }
        }
    }

    /**
     * The ids among {@code [0, vocab)} that decode to white space holding a line break ("\n",
     * "\n\n", a newline and indentation), read once from the vocabulary.
     */
    static int[] tokens(TextTokenizer tokenizer, int vocab) {
        int[] out = new int[0];
        int n = 0;
        int[] one = new int[1];
        for (int id = 0; id < vocab; id++) {
            one[0] = id;
            String s = tokenizer.decode(one);
            if (s.indexOf('\n') >= 0 && s.isBlank()) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, Math.max(4, 2 * n));
                }
                out[n++] = id;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
