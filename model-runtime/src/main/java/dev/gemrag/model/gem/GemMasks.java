package dev.gemrag.model.gem;

import java.util.List;

/**
 * Additive attention masks for a right-padded batch: 0 where attention is allowed, {@link #MASKED}
 * where it is not. Shape {@code [batch, seqLen, seqLen]} row-major (query position, then key
 * position); the forward broadcasts it over heads.
 *
 * <p>-1e9 rather than -inf: a fully masked row would turn into NaN with -inf.
 */
public final class GemMasks {
    public static final float MASKED = -1e9f;

    private GemMasks() {}

    /** The GEM mask (see {@link GemLayout#allows}) for each row, padded to {@code seqLen}. */
    public static float[] additive(List<GemLayout> rows, int seqLen) {
        return build(rows, seqLen, false);
    }

    /**
     * cutSummaryFromPrefix: summary tokens see only themselves (a test control, see
     * GemMaskControls).
     */
    static float[] build(List<GemLayout> rows, int seqLen, boolean cutSummaryFromPrefix) {
        float[] mask = new float[rows.size() * seqLen * seqLen];
        for (int b = 0; b < rows.size(); b++) {
            GemLayout layout = rows.get(b);
            if (layout.length() > seqLen) {
                throw new IllegalArgumentException(
                        "row "
                                + b
                                + " has "
                                + layout.length()
                                + " tokens, more than the batch length "
                                + seqLen);
            }
            int base = b * seqLen * seqLen;
            for (int i = 0; i < seqLen; i++) {
                for (int j = 0; j < seqLen; j++) {
                    boolean ok;
                    if (i >= layout.length()) {
                        ok = j == i; // padding rows: only themselves, never read by anyone
                    } else {
                        ok =
                                layout.allows(i, j)
                                        && !(cutSummaryFromPrefix
                                                && layout.isSummary(i)
                                                && j < layout.prefix());
                    }
                    mask[base + i * seqLen + j] = ok ? 0f : MASKED;
                }
            }
        }
        return mask;
    }

    /** Longest row of a batch. */
    public static int maxLength(List<GemLayout> rows) {
        int max = 0;
        for (GemLayout r : rows) {
            max = Math.max(max, r.length());
        }
        return max;
    }
}
