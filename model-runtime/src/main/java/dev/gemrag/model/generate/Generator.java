package dev.gemrag.model.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
 * <p>Batch-invariant: each prompt is prefilled alone at its own length ({@link #prefillEach}), the
 * caches are stacked right-aligned (a shorter row's first slots are padding) and each row keeps its
 * own positions (0 at its first real token); on the compiled path every decode step attends per row
 * over the row's own slots ({@link CompiledDecoder#decodeStep}), so a prompt's logits are bitwise
 * the ones it gets alone, in any batch ({@code RealModelBatchInvarianceIT}); on the eager path the
 * padding is masked (same tokens). Rows that hit a stop token are dropped from the batch (their
 * cache rows too), so short answers do not pay for long ones. Only the last position's logits go
 * through the head, and greedy decoding takes the argmax on the device (one int per row crosses to
 * the host).
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
                int slots = Math.min(maxNew, initialDecodeSlots);
                KvCache cache;
                int[] pad = new int[b];
                for (int r = 0; r < b; r++) {
                    pad[r] = width - prompts.get(r).length;
                }
                try (Prefilled p = prefillEach(prompts, slots, m)) {
                    nextToken = sample(p.logits());
                    cache = p.stacked(width + slots);
                }
                try {
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
                return sample(decodeLogits(step, ids, pos, pad, cache));
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

    int initialDecodeSlots() {
        return initialDecodeSlots;
    }

    /**
     * Prompts prefilled one at a time, each alone at its own length (chunked): caches of one row
     * each (room for {@code decodeSlots} more) and the logits {B, vocab} after each prompt's last
     * token. A prompt's prefill is then the same call alone and in any batch, so its numbers do not
     * depend on its batch-mates (a left-padded batched prefill differed by ~2e-5: GEMMs and
     * attention over other shapes).
     */
    Prefilled prefillEach(List<int[]> prompts, int decodeSlots, NDManager out) {
        List<KvCache> caches = new ArrayList<>(prompts.size());
        NDList last = new NDList(prompts.size());
        try (NDManager scope = out.newSubManager()) {
            for (int[] p : prompts) {
                KvCache cache = model.newCache(1, p.length + decodeSlots);
                caches.add(cache);
                NDArray logits = null;
                for (int from = 0; from < p.length; from += prefillChunk) {
                    int to = Math.min(p.length, from + prefillChunk);
                    int t = to - from;
                    long[] ids = new long[t];
                    long[] pos = new long[t];
                    for (int c = from; c < to; c++) {
                        ids[c - from] = p[c];
                        pos[c - from] = c;
                    }
                    logits =
                            logitsAt(
                                    scope.create(ids, new Shape(1, t)),
                                    scope.create(pos, new Shape(1, t)),
                                    AttentionMasks.causal(scope, 1, t, from, null),
                                    cache,
                                    new int[] {t - 1});
                }
                last.add(logits);
            }
            NDArray all = last.size() == 1 ? last.get(0) : NDArrays.concat(last, 0);
            all.attach(out);
            return new Prefilled(caches, all);
        } catch (RuntimeException e) {
            caches.forEach(KvCache::close);
            throw e;
        }
    }

    /** Caches of prompts prefilled alone and their last logits (see {@link #prefillEach}). */
    record Prefilled(List<KvCache> caches, NDArray logits) implements AutoCloseable {
        /**
         * The rows as one cache, right-aligned (a row's slots before {@code width - its length} are
         * padding), with at least {@code capacity} slots; a single row's cache is handed over as it
         * is (closing this then leaves it open).
         */
        KvCache stacked(int capacity) {
            if (caches.size() == 1) {
                return caches.remove(0);
            }
            return KvCache.stack(caches, capacity);
        }

        @Override
        public void close() {
            caches.forEach(KvCache::close);
        }
    }

    /**
     * One decode step: logits {B, vocab} for tokens {@code ids} at {@code pos}, row r's cache slots
     * before {@code firstSlot[r]} being padding. Compiled: batch-invariant (each row attends to its
     * own slots, {@link CompiledDecoder#decodeStep}); eager: the padding is masked.
     */
    NDArray decodeLogits(NDManager step, long[] ids, long[] pos, int[] firstSlot, KvCache cache) {
        int b = ids.length;
        NDArray idArray = step.create(ids, new Shape(b, 1));
        NDArray posArray = step.create(pos, new Shape(b, 1));
        if (compiled != null) {
            return compiled.decodeStep(idArray, posArray, cache, firstSlot);
        }
        NDArray mask = AttentionMasks.causal(step, b, 1, cache.length(), firstSlot);
        return logitsAt(idArray, posArray, mask, cache, new int[b]);
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
