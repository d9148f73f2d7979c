package dev.gemrag.model.generate;

/**
 * DRY ("don't repeat yourself", as in llama.cpp and text-generation-webui), without sequence
 * breakers: for every earlier position where the history's current suffix occurred before, the
 * token that followed it there would continue the repeat. With L the length of that matching
 * suffix, L >= allowedLength, the token's logit loses {@code multiplier * base^(L - allowedLength)}
 * (the largest L over all occurrences). Unlike an n-gram ban it is soft and grows with the length
 * of the loop.
 */
public final class DryPenalty implements LogitProcessor {
    /** Caps the exponent: base^40 is already far beyond any logit. */
    private static final int MAX_EXPONENT = 40;

    private final float multiplier;
    private final float base;
    private final int allowedLength;

    public DryPenalty(float multiplier, float base, int allowedLength) {
        if (!(multiplier >= 0) || !(base >= 1) || allowedLength < 1) {
            throw new IllegalArgumentException(
                    "DRY needs multiplier >= 0, base >= 1, allowed length >= 1, got "
                            + multiplier
                            + ", "
                            + base
                            + ", "
                            + allowedLength);
        }
        this.multiplier = multiplier;
        this.base = base;
        this.allowedLength = allowedLength;
    }

    @Override
    public void apply(float[] logits, int offset, int vocab, int[] history, int length) {
        if (length < 2) {
            return;
        }
        int last = length - 1;
        java.util.Map<Integer, Integer> best = new java.util.HashMap<>();
        // position i is an earlier occurrence of the suffix ending at `last`; history[i + 1]
        // followed it
        for (int i = 0; i < last; i++) {
            int l = 0;
            while (i - l >= 0 && history[i - l] == history[last - l]) {
                l++;
            }
            if (l >= allowedLength) {
                best.merge(history[i + 1], l, Math::max);
            }
        }
        best.forEach(
                (token, l) -> {
                    if (token >= 0 && token < vocab) {
                        int e = Math.min(MAX_EXPONENT, l - allowedLength);
                        logits[offset + token] -= (float) (multiplier * Math.pow(base, e));
                    }
                });
    }
}
