package dev.gemrag.model.generate;

/**
 * Hugging Face's no_repeat_ngram_size: a token that would complete an n-gram already present in the
 * history is banned (its logit becomes -infinity). n = 1 bans every token already generated.
 */
public final class NoRepeatNgram implements LogitProcessor {
    private final int n;

    public NoRepeatNgram(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("no-repeat n-gram size must be >= 1, got " + n);
        }
        this.n = n;
    }

    @Override
    public void apply(float[] logits, int offset, int vocab, int[] history, int length) {
        int prefix = n - 1;
        if (length < prefix) {
            return;
        }
        // every earlier n-gram whose first n-1 tokens equal the last n-1 generated ones bans its
        // last token
        for (int start = 0; start + n <= length; start++) {
            if (matches(history, start, length - prefix, prefix)) {
                int banned = history[start + prefix];
                if (banned >= 0 && banned < vocab) {
                    logits[offset + banned] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }

    private static boolean matches(int[] h, int a, int b, int len) {
        for (int i = 0; i < len; i++) {
            if (h[a + i] != h[b + i]) {
                return false;
            }
        }
        return true;
    }
}
