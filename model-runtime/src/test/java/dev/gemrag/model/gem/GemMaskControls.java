package dev.gemrag.model.gem;

import java.util.List;

/** Masks that are controls in tests, not model masks. */
final class GemMaskControls {
    private GemMaskControls() {}

    /**
     * Like {@link GemMasks#additive} but summary tokens see only themselves: nothing of the prefix
     * can reach the suffix at all; the control that the suffix's only path to the prefix runs
     * through the summary tokens.
     */
    static float[] withoutSummaryReadingPrefix(List<GemLayout> rows, int seqLen) {
        return GemMasks.build(rows, seqLen, true);
    }
}
