package dev.gemrag.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Weakly supervised (query, passage) pairs from a JSON-lines file ({@code
 * {"query","passage","kind",...}}, the layout of shared/data/pairs), minus a held-out share, in a
 * seeded order (see {@link EpochOrder}).
 *
 * <p>Held out: every pair of kind {@link #HELD_OUT_KIND} whose 1-based line number is divisible by
 * {@link #HELD_OUT_EVERY} (the QA dev set is built from exactly those lines). Held-out pairs are
 * neither trained on nor used as hard negatives.
 */
public final class TrainingPairs {
    public static final String HELD_OUT_KIND = "faq-qa";
    public static final int HELD_OUT_EVERY = 10;
    public static final String HELD_OUT_RULE =
            "every pair of kind '"
                    + HELD_OUT_KIND
                    + "' whose 1-based line number in the pairs file is divisible by "
                    + HELD_OUT_EVERY
                    + " (held out for the QA dev set; not trained on, not used as a negative)";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One usable pair; {@code line} is its 1-based line number in the file. */
    public record Pair(int line, String query, String passage, String kind) {}

    private final List<Pair> pairs;
    private final int heldOut;
    private final EpochOrder order;

    TrainingPairs(List<Pair> pairs, int heldOut, long seed) {
        if (pairs.size() < 2) {
            throw new IllegalArgumentException(
                    "pair training needs at least 2 pairs, got " + pairs.size());
        }
        this.pairs = List.copyOf(pairs);
        this.heldOut = heldOut;
        this.order = new EpochOrder(pairs.size(), seed);
    }

    public static boolean heldOut(int line, String kind) {
        return HELD_OUT_KIND.equals(kind) && line % HELD_OUT_EVERY == 0;
    }

    public static TrainingPairs read(Path file, long seed) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("pairs file not found: " + file);
        }
        List<Pair> out = new ArrayList<>();
        int held = 0;
        int line = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String s = r.readLine(); s != null; s = r.readLine()) {
                line++;
                if (s.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(s);
                } catch (IOException e) {
                    throw new IOException(
                            file
                                    + " line "
                                    + line
                                    + ": not JSON ("
                                    + e.getMessage().lines().findFirst().orElse("")
                                    + ")");
                }
                String q = n.path("query").asText("").strip();
                String p = n.path("passage").asText("").strip();
                String kind = n.path("kind").asText("");
                if (q.isEmpty() || p.isEmpty()) {
                    throw new IOException(
                            file + " line " + line + ": needs non-empty \"query\" and \"passage\"");
                }
                if (heldOut(line, kind)) {
                    held++;
                    continue;
                }
                out.add(new Pair(line, q, p, kind));
            }
        }
        return new TrainingPairs(out, held, seed);
    }

    public int size() {
        return pairs.size();
    }

    public int heldOutCount() {
        return heldOut;
    }

    public List<Pair> all() {
        return pairs;
    }

    /** Indices (into {@link #all}) of batch {@code step}. */
    public int[] batch(int step, int batchSize) {
        int[] out = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            out[i] = order.at((long) step * batchSize + i);
        }
        return out;
    }
}
