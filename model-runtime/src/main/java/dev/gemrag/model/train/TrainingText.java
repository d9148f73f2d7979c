package dev.gemrag.model.train;

import dev.gemrag.model.TextTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The training passages, tokenized once (no BOS, cut to {@code maxTextTokens}), and a seeded order:
 * epoch e visits them in the order of a shuffle seeded by {@code seed + e}, so the batch of any step
 * can be rebuilt on resume without saving RNG state.
 */
public final class TrainingText {
    private final List<int[]> passages;
    private final long seed;
    private int cachedEpoch = -1;
    private int[] cachedOrder;

    public TrainingText(List<int[]> passages, long seed) {
        if (passages.size() < 2) {
            throw new IllegalArgumentException("training needs at least 2 passages, got " + passages.size());
        }
        this.passages = passages;
        this.seed = seed;
    }

    public static TrainingText read(Path file, TextTokenizer tokenizer, int maxTextTokens, long seed) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("training data not found: " + file);
        }
        List<int[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            int[] ids = tokenizer.encode(line.strip());
            if (ids.length >= 2) {
                out.add(ids.length > maxTextTokens ? Arrays.copyOf(ids, maxTextTokens) : ids);
            }
        }
        return new TrainingText(out, seed);
    }

    public int size() {
        return passages.size();
    }

    /** The passages of batch {@code step} (0-based). */
    public List<int[]> batch(int step, int batchSize) {
        List<int[]> out = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            long global = (long) step * batchSize + i;
            int epoch = (int) (global / passages.size());
            out.add(passages.get(order(epoch)[(int) (global % passages.size())]));
        }
        return out;
    }

    private int[] order(int epoch) {
        if (epoch != cachedEpoch) {
            int[] o = new int[passages.size()];
            for (int i = 0; i < o.length; i++) {
                o[i] = i;
            }
            Random r = new Random(seed + epoch);
            for (int i = o.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int tmp = o[i];
                o[i] = o[j];
                o[j] = tmp;
            }
            cachedOrder = o;
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }
}
