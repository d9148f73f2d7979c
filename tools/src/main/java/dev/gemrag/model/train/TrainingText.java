package dev.gemrag.model.train;

import dev.gemrag.model.TextTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training passages, tokenized once (no BOS, cut to {@code maxTextTokens}), and a seeded order:
 * epoch e visits them in the order of a shuffle seeded by {@code seed + e}, so the batch of any
 * step can be rebuilt on resume without saving RNG state.
 */
public final class TrainingText {
    private final List<int[]> passages;
    private final EpochOrder order;

    public TrainingText(List<int[]> passages, long seed) {
        if (passages.size() < 2) {
            throw new IllegalArgumentException(
                    "training needs at least 2 passages, got " + passages.size());
        }
        this.passages = passages;
        this.order = new EpochOrder(passages.size(), seed);
    }

    public static TrainingText read(
            Path file, TextTokenizer tokenizer, int maxTextTokens, long seed) throws IOException {
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
            out.add(passages.get(order.at((long) step * batchSize + i)));
        }
        return out;
    }
}
