package dev.gemrag.model.generate;

import dev.gemrag.model.GenerationParams;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Picks the next token from one row of logits, on the host.
 *
 * <p>Order: the repetition controls ({@link LogitProcessor}s: repetition penalty,
 * frequency/presence, no-repeat n-gram, DRY) change the logits from the row's own history; then
 * temperature 0 takes the argmax (ties go to the lowest id). Otherwise top-k keeps the k largest
 * logits (ties at the k-th kept, as in Hugging Face), softmax(logits / temperature), min-p drops
 * tokens below minP x the largest probability, top-p keeps the smallest set of most likely tokens
 * whose mass reaches p, renormalise, draw with the seeded {@link Random}. One sampler per sequence,
 * so a prompt draws the same tokens alone or in a batch.
 */
public final class Sampler {
    /** p arrives as a float (0.8f is 0.80000001): compare masses with this slack. */
    private static final double MASS_SLACK = 1e-6;

    private final float temperature;
    private final float topP;
    private final Random random;
    private final int topK;
    private final float minP;
    private final List<LogitProcessor> processors;

    public Sampler(float temperature, float topP, long seed) {
        this(temperature, topP, seed, 0, 0f, List.of());
    }

    /** Every control of {@code params}. */
    public Sampler(GenerationParams params) {
        this(params, new int[0]);
    }

    /**
     * Every control of {@code params}, the repetition controls leaving the logits of {@code
     * lineBreaks} (the vocabulary's line-break tokens) as they were: a line break is layout, not a
     * repeat.
     */
    public Sampler(GenerationParams params, int[] lineBreaks) {
        this(
                params.temperature(),
                params.topP(),
                params.seed(),
                params.topK(),
                params.minP(),
                lineBreaks.length == 0
                        ? processors(params)
                        : List.of(new LineBreaksExempt(lineBreaks, processors(params))));
    }

    public Sampler(
            float temperature,
            float topP,
            long seed,
            int topK,
            float minP,
            List<LogitProcessor> processors) {
        if (temperature < 0) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        this.temperature = temperature;
        this.topP = topP;
        this.random = new Random(seed);
        this.topK = topK;
        this.minP = minP;
        this.processors = List.copyOf(processors);
    }

    /** The repetition controls of {@code params} that are on, in the order they apply. */
    public static List<LogitProcessor> processors(GenerationParams params) {
        List<LogitProcessor> out = new ArrayList<>();
        if (params.repetitionPenalty() != 1f) {
            out.add(new RepetitionPenalty(params.repetitionPenalty(), params.penaltyWindow()));
        }
        if (params.frequencyPenalty() != 0f || params.presencePenalty() != 0f) {
            out.add(
                    new FrequencyPresencePenalty(
                            params.frequencyPenalty(),
                            params.presencePenalty(),
                            params.penaltyWindow()));
        }
        if (params.noRepeatNgram() > 0) {
            out.add(new NoRepeatNgram(params.noRepeatNgram()));
        }
        if (params.dryMultiplier() > 0f) {
            out.add(
                    new DryPenalty(
                            params.dryMultiplier(), params.dryBase(), params.dryAllowedLength()));
        }
        return out;
    }

    /** True when the choice depends on more than the argmax of the raw logits. */
    public boolean needsHostLogits() {
        return !isGreedy() || !processors.isEmpty();
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }

    /** Next token from logits[offset .. offset+vocab), with no history. */
    public int sample(float[] logits, int offset, int vocab) {
        return sample(logits, offset, vocab, new int[0], 0);
    }

    /**
     * Next token from logits[offset .. offset+vocab) after the row's generated tokens {@code
     * history[0 .. length)}; the logits are changed in place by the repetition controls.
     */
    public int sample(float[] logits, int offset, int vocab, int[] history, int length) {
        for (LogitProcessor p : processors) {
            p.apply(logits, offset, vocab, history, length);
        }
        if (isGreedy()) {
            return argmax(logits, offset, vocab);
        }
        if (topK > 0 && topK < vocab) {
            topK(logits, offset, vocab, topK);
        }
        double[] probs = softmax(logits, offset, vocab, temperature);
        if (minP > 0f) {
            minP(probs, minP);
        }
        double u = random.nextDouble();
        if (topP >= 1f) {
            return draw(probs, u);
        }
        return drawTopP(probs, topP, u);
    }

    public int sample(float[] logits) {
        return sample(logits, 0, logits.length);
    }

    /**
     * logits {rows, vocab} -> one token per row, row r with {@code samplers.get(r)} and its
     * generated tokens {@code histories.get(r)}: each row's argmax when no row needs more, else
     * each row sampled; both on the host.
     */
    public static int[] sampleRows(
            ai.djl.ndarray.NDArray logits,
            java.util.List<Sampler> samplers,
            java.util.function.IntFunction<int[]> histories) {
        int b = samplers.size();
        int[] out = new int[b];
        if (samplers.stream().noneMatch(Sampler::needsHostLogits)) {
            return argMaxRows(logits);
        }
        int vocab = (int) logits.getShape().get(1);
        float[] host = HostLogits.copy(logits, b * vocab);
        for (int r = 0; r < b; r++) {
            int[] history = histories.apply(r);
            out[r] = samplers.get(r).sample(host, r * vocab, vocab, history, history.length);
        }
        return out;
    }

    /**
     * Each row's argmax of logits {rows, vocab} (ties: the lowest id), on the host: scanning them
     * there took ~0.2 ms for 8 rows of 49,152, libtorch's argmax kernel ~1 ms
     * (DecodeStepBenchmark). Reads the tensor's own memory ({@link HostLogits#view}), no copy.
     * Unlike libtorch's, a NaN never wins.
     */
    public static int[] argMaxRows(ai.djl.ndarray.NDArray logits) {
        int vocab = (int) logits.getShape().get(1);
        FloatBuffer host = HostLogits.view(logits);
        int[] out = new int[host.limit() / vocab];
        for (int r = 0; r < out.length; r++) {
            out[r] = argmax(host, r * vocab, vocab);
        }
        return out;
    }

    private static int argmax(FloatBuffer logits, int offset, int vocab) {
        int best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            float v = logits.get(offset + i);
            if (v > bestValue) {
                bestValue = v;
                best = i;
            }
        }
        return best;
    }

    public static int argmax(float[] logits, int offset, int vocab) {
        return argmax(
                FloatBuffer.wrap(logits), offset, vocab); // one scan for heap and tensor memory
    }

    /** Sets every logit below the k-th largest to -infinity (ties with the k-th are kept). */
    static void topK(float[] logits, int offset, int vocab, int k) {
        PriorityQueue<Float> largest = new PriorityQueue<>(k + 1);
        for (int i = 0; i < vocab; i++) {
            float v = logits[offset + i];
            if (largest.size() < k) {
                largest.add(v);
            } else if (v > largest.peek()) {
                largest.poll();
                largest.add(v);
            }
        }
        float kth = largest.peek();
        for (int i = 0; i < vocab; i++) {
            if (logits[offset + i] < kth) {
                logits[offset + i] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** Zeroes probabilities below minP x the largest one and renormalises the rest. */
    static void minP(double[] probs, float minP) {
        double max = 0;
        for (double q : probs) {
            max = Math.max(max, q);
        }
        double cut = minP * max;
        double sum = 0;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] < cut) {
                probs[i] = 0;
            }
            sum += probs[i];
        }
        for (int i = 0; i < probs.length; i++) {
            probs[i] /= sum;
        }
    }

    static double[] softmax(float[] logits, int offset, int vocab, float temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double[] p = new double[vocab];
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            p[i] = Math.exp((logits[offset + i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < vocab; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static int draw(double[] probs, double u) {
        double acc = 0;
        for (int i = 0; i < probs.length; i++) {
            acc += probs[i];
            if (u < acc) {
                return i;
            }
        }
        return lastNonZero(probs);
    }

    /**
     * The nucleus: most likely first (ties by lower id), cut as soon as the kept mass reaches p.
     */
    static int[] nucleus(double[] probs, float p) {
        // Sorting all 49k ids per token is wasteful: sort only the ids at or above a threshold
        // whose
        // total mass already reaches p (the nucleus is then among them), lowering it until it does.
        for (double threshold = 1e-3; ; threshold /= 16) {
            if (threshold < 1e-12) {
                threshold = 0;
            }
            int count = 0;
            double mass = 0;
            for (double q : probs) {
                if (q >= threshold) {
                    count++;
                    mass += q;
                }
            }
            if (mass >= p - MASS_SLACK || threshold == 0) {
                return nucleusAmong(probs, p, threshold, count);
            }
        }
    }

    private static int[] nucleusAmong(double[] probs, float p, double threshold, int count) {
        Integer[] order = new Integer[count];
        int c = 0;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] >= threshold) {
                order[c++] = i;
            }
        }
        Arrays.sort(
                order,
                (x, y) ->
                        probs[x] != probs[y]
                                ? Double.compare(probs[y], probs[x])
                                : Integer.compare(x, y));
        double kept = 0;
        int n = 0;
        while (n < order.length) {
            kept += probs[order[n]];
            n++;
            if (kept >= p - MASS_SLACK) {
                break;
            }
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = order[i];
        }
        return out;
    }

    private static int drawTopP(double[] probs, float p, double u) {
        int[] keep = nucleus(probs, p);
        double mass = 0;
        for (int id : keep) {
            mass += probs[id];
        }
        double target = u * mass;
        double acc = 0;
        for (int id : keep) {
            acc += probs[id];
            if (target < acc) {
                return id;
            }
        }
        return keep[keep.length - 1];
    }

    private static int lastNonZero(double[] probs) {
        for (int i = probs.length - 1; i >= 0; i--) {
            if (probs[i] > 0) {
                return i;
            }
        }
        return 0;
    }
}
