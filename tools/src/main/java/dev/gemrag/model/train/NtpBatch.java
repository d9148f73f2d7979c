package dev.gemrag.model.train;

import dev.gemrag.model.gem.GemLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A mixed next-token-prediction batch: each sequence stays plain text, or (with probability {@code
 * splitFraction}) becomes {@code prefix + k summary + suffix} split at a random point.
 *
 * <p>Loss positions: position i predicts token i+1, except where i is a summary position or token
 * i+1 is a summary token (docs/ADAPTER_FORMAT.md). {@code sources} index the flattened {@code
 * {B*T}} hidden states, {@code labels} are the matching next tokens.
 */
public record NtpBatch(
        List<int[]> rows,
        List<GemLayout> layouts,
        long[] sources,
        long[] labels,
        int length,
        int splitRows) {

    public static NtpBatch build(
            List<int[]> texts, int k, int vocabSize, float splitFraction, Random random) {
        List<int[]> rows = new ArrayList<>();
        List<GemLayout> layouts = new ArrayList<>();
        int split = 0;
        for (int[] text : texts) {
            if (text.length >= 2 && random.nextFloat() < splitFraction) {
                int p = 1 + random.nextInt(text.length - 1); // prefix and suffix both non-empty
                int[] row = new int[text.length + k];
                System.arraycopy(text, 0, row, 0, p);
                for (int j = 0; j < k; j++) {
                    row[p + j] = vocabSize + j;
                }
                System.arraycopy(text, p, row, p + k, text.length - p);
                rows.add(row);
                layouts.add(new GemLayout(p, k, text.length - p));
                split++;
            } else {
                rows.add(text);
                layouts.add(GemLayout.plain(text.length));
            }
        }
        int t = layouts.stream().mapToInt(GemLayout::length).max().orElse(0);
        long[] sources = new long[rows.size() * t];
        long[] labels = new long[rows.size() * t];
        int n = 0;
        for (int b = 0; b < rows.size(); b++) {
            GemLayout l = layouts.get(b);
            int[] row = rows.get(b);
            for (int i = 0; i + 1 < row.length; i++) {
                if (l.isSummary(i) || l.isSummary(i + 1)) {
                    continue;
                }
                sources[n] = (long) b * t + i;
                labels[n] = row[i + 1];
                n++;
            }
        }
        return new NtpBatch(
                rows, layouts, Arrays.copyOf(sources, n), Arrays.copyOf(labels, n), t, split);
    }

    public int tokens() {
        return rows.stream().mapToInt(r -> r.length).sum();
    }
}
