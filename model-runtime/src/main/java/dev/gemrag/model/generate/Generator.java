package dev.gemrag.model.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.KvCache;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Prefill + KV-cache decoding for a batch of prompts.
 *
 * <p>Prompts of different lengths are left-padded: padding slots are masked out for every query and
 * each row keeps its own positions (0 at its first real token), so a prompt yields the same tokens
 * in a batch as alone. Rows that hit a stop token are dropped from the batch (their cache rows
 * too), so short answers do not pay for long ones. Only the last position's logits go through the
 * head, and greedy decoding takes the argmax on the device (one int per row crosses to the host).
 *
 * <p>Timing per result: prefillNanos is the batch's prefill (prompt forward + first token);
 * decodeNanos runs from there until that prompt's completion ended.
 *
 * <p>With a {@link CompiledDecoder} every prefill chunk and decode step is one compiled call;
 * without one the eager forward runs (same tokens in FP32, see {@code CompiledGeneratorTest}).
 *
 * <p>Not thread-safe (the model is not).
 */
public final class Generator {
    private final LlamaModel model;
    private final CompiledDecoder compiled; // null: eager forward
    private final TextTokenizer tokenizer;
    private final Set<Integer> stopTokens;
    private int[] lineBreaks; // see lineBreaks()
    private int prefillChunk = DEFAULT_PREFILL_CHUNK;

    /**
     * Prompt columns fed per prefill forward (bounds the attention-score memory of long prompts).
     */
    public static final int DEFAULT_PREFILL_CHUNK = 512;

    /** Decode slots allocated up front; the cache doubles when they run out. */
    static final int INITIAL_DECODE_SLOTS = 128;

    private int initialDecodeSlots = INITIAL_DECODE_SLOTS;

    /**
     * @param tokenizer used by {@link #generate} and to decode completions; may be null for {@link
     *     #generateTokens}
     * @param stopTokens ids that end a completion (excluded from it), e.g. the checkpoint's
     *     eosTokenIds
     */
    public Generator(LlamaModel model, TextTokenizer tokenizer, Collection<Integer> stopTokens) {
        this(model, null, tokenizer, stopTokens);
    }

    /**
     * Prefill and decode through {@code compiled} (its model supplies the cache and the limits).
     */
    public Generator(
            CompiledDecoder compiled, TextTokenizer tokenizer, Collection<Integer> stopTokens) {
        this(compiled.model(), compiled, tokenizer, stopTokens);
    }

    private Generator(
            LlamaModel model,
            CompiledDecoder compiled,
            TextTokenizer tokenizer,
            Collection<Integer> stopTokens) {
        this.model = model;
        this.compiled = compiled;
        this.tokenizer = tokenizer;
        this.stopTokens = Set.copyOf(new TreeSet<>(stopTokens));
    }

    /**
     * The vocabulary's line-break tokens, which the repetition controls leave alone (read on first
     * use; none without a tokenizer).
     */
    synchronized int[] lineBreaks() {
        if (lineBreaks == null) {
            lineBreaks =
                    tokenizer == null
                            ? new int[0]
                            : LineBreaksExempt.tokens(tokenizer, model.config().vocabSize());
        }
        return lineBreaks;
    }

    /** Changes the prefill chunk (tokens per row per forward); results do not depend on it. */
    public Generator withPrefillChunk(int tokens) {
        if (tokens <= 0) {
            throw new IllegalArgumentException("prefill chunk must be positive, got " + tokens);
        }
        this.prefillChunk = tokens;
        return this;
    }

    /** Tests: a tiny initial cache so growth is exercised. */
    Generator withInitialDecodeSlots(int slots) {
        this.initialDecodeSlots = slots;
        return this;
    }

    public Set<Integer> stopTokens() {
        return stopTokens;
    }

    /**
     * Encodes already formatted prompts (no special tokens added) and generates a completion for
     * each.
     */
    public List<GenerationResult> generate(List<String> prompts, GenerationParams params) {
        if (tokenizer == null) {
            throw new IllegalStateException("this Generator has no tokenizer: use generateTokens");
        }
        List<int[]> ids = new ArrayList<>(prompts.size());
        for (String p : prompts) {
            ids.add(tokenizer.encode(p));
        }
        return generateTokens(ids, params);
    }

    /**
     * Generates from token ids; results in prompt order. Text is decoded when a tokenizer is
     * present.
     */
    public List<GenerationResult> generateTokens(List<int[]> prompts, GenerationParams params) {
        if (prompts.isEmpty()) {
            return List.of();
        }
        int longest = 0;
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i).length == 0) {
                throw new IllegalArgumentException(
                        "prompt " + i + " is empty: at least one token is needed");
            }
            longest = Math.max(longest, prompts.get(i).length);
        }
        if (longest >= model.maxPositions()) {
            throw new IllegalArgumentException(
                    "prompt of "
                            + longest
                            + " tokens does not fit the model's context of "
                            + model.maxPositions()
                            + " positions");
        }
        int maxNew = Math.min(params.maxTokens(), model.maxPositions() - longest);
        Decoding run = new Decoding(prompts, params, longest, maxNew);
        return run.run();
    }

    /** State of one batched generation. */
    private final class Decoding {
        private final List<int[]> prompts;
        private final int width; // padded prompt length
        private final int maxNew;
        private final Sampler[] samplers;
        private final List<List<Integer>> completions = new ArrayList<>();
        private final String[] finish;
        private final long[] finishedAt; // System.nanoTime() when each prompt's completion ended
        private int[] rows; // batch row -> prompt index, shrinks as rows finish
        private int[] nextToken; // per batch row

        Decoding(List<int[]> prompts, GenerationParams params, int width, int maxNew) {
            this.prompts = prompts;
            this.width = width;
            this.maxNew = maxNew;
            this.samplers = new Sampler[prompts.size()];
            this.finish = new String[prompts.size()];
            this.finishedAt = new long[prompts.size()];
            this.rows = new int[prompts.size()];
            for (int i = 0; i < prompts.size(); i++) {
                samplers[i] = new Sampler(params, lineBreaks());
                completions.add(new ArrayList<>());
                rows[i] = i;
            }
        }

        List<GenerationResult> run() {
            int b = prompts.size();
            long start = System.nanoTime();
            long prefillNanos;
            try (NDManager m = model.newManager()) {
                // start small and grow: most completions stop long before maxTokens
                KvCache cache = model.newCache(b, width + Math.min(maxNew, initialDecodeSlots));
                try {
                    int[] pad = new int[b];
                    for (int r = 0; r < b; r++) {
                        pad[r] = width - prompts.get(r).length;
                    }
                    // chunked prefill: the attention scores of one chunk are {B, heads, chunk,
                    // past+chunk},
                    // so peak memory stays bounded for long prompts; the result is the same as one
                    // pass
                    for (int from = 0; from < width; from += prefillChunk) {
                        int to = Math.min(width, from + prefillChunk);
                        nextToken = prefill(cache, pad, from, to, m);
                    }
                    prefillNanos = System.nanoTime() - start;
                    int[] padOfRow = pad;
                    for (int produced = 1; ; produced++) {
                        int[] keep = record(produced);
                        if (keep.length == 0) {
                            break;
                        }
                        if (keep.length < rows.length) {
                            KvCache smaller = cache.selectRows(keep);
                            cache.close();
                            cache = smaller;
                            padOfRow = select(padOfRow, keep);
                            nextToken = select(nextToken, keep);
                            int[] newRows = new int[keep.length];
                            for (int i = 0; i < keep.length; i++) {
                                newRows[i] = rows[keep[i]];
                            }
                            rows = newRows;
                        }
                        if (cache.length() == cache.capacity()) {
                            KvCache bigger =
                                    cache.withCapacity(
                                            Math.min(width + maxNew, 2 * cache.capacity()));
                            cache.close();
                            cache = bigger;
                        }
                        nextToken = decodeStep(cache, padOfRow, m);
                    }
                } finally {
                    cache.close();
                }
            }
            long decodeStart = start + prefillNanos;
            List<GenerationResult> out = new ArrayList<>(b);
            for (int i = 0; i < b; i++) {
                long decodeNanos = Math.max(0, finishedAt[i] - decodeStart);
                List<Integer> tokens = List.copyOf(completions.get(i));
                String text = tokenizer == null ? "" : tokenizer.decode(toArray(tokens));
                out.add(
                        new GenerationResult(
                                text,
                                tokens,
                                prompts.get(i).length,
                                finish[i],
                                prefillNanos,
                                decodeNanos));
            }
            return out;
        }

        /** Stores each live row's new token; returns the batch rows that go on. */
        private int[] record(int produced) {
            int[] keep = new int[rows.length];
            int n = 0;
            for (int r = 0; r < rows.length; r++) {
                int prompt = rows[r];
                int token = nextToken[r];
                if (stopTokens.contains(token)) {
                    finish[prompt] = "stop";
                    finishedAt[prompt] = System.nanoTime();
                    continue;
                }
                completions.get(prompt).add(token);
                if (produced >= maxNew) {
                    finish[prompt] = "length";
                    finishedAt[prompt] = System.nanoTime();
                    continue;
                }
                keep[n++] = r;
            }
            return java.util.Arrays.copyOf(keep, n);
        }

        /**
         * Feeds padded prompt columns [from, to); returns the sampled next tokens when to == width.
         */
        private int[] prefill(KvCache cache, int[] pad, int from, int to, NDManager m) {
            int b = rows.length;
            int t = to - from;
            long[] ids = new long[b * t];
            long[] pos = new long[b * t];
            for (int r = 0; r < b; r++) {
                int[] p = prompts.get(rows[r]);
                for (int c = from; c < to; c++) {
                    int i = r * t + (c - from);
                    ids[i] = c < pad[r] ? 0 : p[c - pad[r]];
                    pos[i] = Math.max(0, c - pad[r]);
                }
            }
            try (NDManager step = m.newSubManager()) {
                int[] last = new int[b];
                java.util.Arrays.fill(last, t - 1);
                NDArray logits =
                        logitsAt(
                                step.create(ids, new Shape(b, t)),
                                step.create(pos, new Shape(b, t)),
                                AttentionMasks.causal(step, b, t, from, pad),
                                cache,
                                last);
                return to < width ? null : sample(logits);
            }
        }

        private int[] decodeStep(KvCache cache, int[] pad, NDManager m) {
            int b = rows.length;
            int past = cache.length();
            long[] ids = new long[b];
            long[] pos = new long[b];
            for (int r = 0; r < b; r++) {
                ids[r] = nextToken[r];
                pos[r] = past - pad[r]; // slot index minus this row's padding
            }
            try (NDManager step = m.newSubManager()) {
                return sample(
                        logitsAt(
                                step.create(ids, new Shape(b, 1)),
                                step.create(pos, new Shape(b, 1)),
                                AttentionMasks.causal(step, b, 1, past, pad),
                                cache,
                                new int[b]));
            }
        }

        /** logits {rows, vocab} -> one token per live row. */
        private int[] sample(NDArray logits) {
            List<Sampler> live = new ArrayList<>(rows.length);
            for (int row : rows) {
                live.add(samplers[row]);
            }
            return Sampler.sampleRows(logits, live, r -> toArray(completions.get(rows[r])));
        }
    }

    /** A continuous-batching session over this generator's model (see {@link ContinuousBatch}). */
    public ContinuousBatch openSession() {
        return new ContinuousBatch(this);
    }

    LlamaModel model() {
        return model;
    }

    TextTokenizer tokenizer() {
        return tokenizer;
    }

    int prefillChunk() {
        return prefillChunk;
    }

    int initialDecodeSlots() {
        return initialDecodeSlots;
    }

    /** One forward through the cache, then the head at {@code last[b]} of each row. */
    NDArray logitsAt(NDArray ids, NDArray pos, NDArray mask, KvCache cache, int[] last) {
        if (compiled != null) {
            return compiled.logitsAt(ids, pos, mask, cache, last);
        }
        return model.logitsAt(model.forward(ids, pos, mask, cache), last);
    }

    private static int[] select(int[] values, int[] keep) {
        int[] out = new int[keep.length];
        for (int i = 0; i < keep.length; i++) {
            out[i] = values[keep[i]];
        }
        return out;
    }

    private static int[] toArray(List<Integer> tokens) {
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = tokens.get(i);
        }
        return out;
    }
}
