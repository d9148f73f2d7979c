package dev.gemrag.model.train;

import dev.gemrag.model.gem.GemLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Positive pairs for the contrastive phase: row i of {@code anchors} is text i + k summary tokens,
 * row i of {@code positives} the same with each text token dropped with probability {@code dropout}
 * (at least one kept). The other rows of the batch are the negatives.
 */
public record ContrastiveBatch(
        List<int[]> anchors,
        List<GemLayout> anchorLayouts,
        List<int[]> positives,
        List<GemLayout> positiveLayouts) {

    public static ContrastiveBatch build(
            List<int[]> texts, int k, int vocabSize, float dropout, Random random) {
        List<int[]> a = new ArrayList<>();
        List<GemLayout> al = new ArrayList<>();
        List<int[]> p = new ArrayList<>();
        List<GemLayout> pl = new ArrayList<>();
        for (int[] text : texts) {
            a.add(withSummary(text, k, vocabSize));
            al.add(GemLayout.embedding(text.length, k));
            int[] kept = new int[text.length];
            int n = 0;
            for (int id : text) {
                if (random.nextFloat() >= dropout) {
                    kept[n++] = id;
                }
            }
            if (n == 0 && text.length > 0) {
                kept[n++] = text[random.nextInt(text.length)];
            }
            int[] dropped = java.util.Arrays.copyOf(kept, n);
            p.add(withSummary(dropped, k, vocabSize));
            pl.add(GemLayout.embedding(n, k));
        }
        return new ContrastiveBatch(a, al, p, pl);
    }

    private static int[] withSummary(int[] text, int k, int vocabSize) {
        int[] row = java.util.Arrays.copyOf(text, text.length + k);
        for (int j = 0; j < k; j++) {
            row[text.length + j] = vocabSize + j;
        }
        return row;
    }

    public int tokens() {
        return anchors.stream().mapToInt(r -> r.length).sum()
                + positives.stream().mapToInt(r -> r.length).sum();
    }
}
