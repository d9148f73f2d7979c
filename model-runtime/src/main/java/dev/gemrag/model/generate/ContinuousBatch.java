package dev.gemrag.model.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.GenerationSession;
import dev.gemrag.model.llama.KvCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Continuous batching over one KV cache: {@link #join} prefills each new prompt alone, in a cache
 * of its own ({@link Generator#prefillEach}), and stacks those caches onto the running one
 * right-aligned ({@link KvCache#stack}), so every row's filled slots end at the shared slot
 * counter; a row's slots before its first token are padding and its positions count from its own
 * first token. Decode steps are batch-invariant on the compiled path (each row attends to its own
 * slots, {@link dev.gemrag.model.llama.compiled.CompiledDecoder#decodeStep}), so a prompt's logits
 * are bitwise the ones it gets alone, whoever else is in flight; on the eager path the padding is
 * masked (same tokens, logits within ~1e-5). Rows that finish leave the cache before the next step.
 *
 * <p>Not thread-safe.
 */
public final class ContinuousBatch implements GenerationSession {
    private final Generator generator;
    private final List<Row> rows = new ArrayList<>();
    private final Map<Long, GenerationResult> finished = new LinkedHashMap<>();
    private KvCache cache; // null while no row runs
    private long nextId;

    ContinuousBatch(Generator generator) {
        this.generator = generator;
    }

    /** One prompt in the batch. */
    private static final class Row {
        final long id;
        final int[] prompt;
        final Sampler sampler;
        final int maxNew;
        final List<Integer> tokens = new ArrayList<>();
        final long joined;
        long prefillNanos;
        int pad; // cache slots before the row's first token
        int next; // token to feed at the next step
        String finish; // null while running

        Row(long id, int[] prompt, GenerationParams params, int[] lineBreaks, int maxNew) {
            this.id = id;
            this.prompt = prompt;
            // every control of the params, repetition penalties included
            this.sampler = new Sampler(params, lineBreaks);
            this.maxNew = maxNew;
            this.joined = System.nanoTime();
        }
    }

    @Override
    public List<Long> join(List<String> prompts, GenerationParams params) {
        List<int[]> ids = new ArrayList<>(prompts.size());
        for (String p : prompts) {
            ids.add(generator.tokenizer().encode(p));
        }
        return joinTokens(ids, params);
    }

    /** {@link #join} for token ids. */
    public List<Long> joinTokens(List<int[]> prompts, GenerationParams params) {
        if (prompts.isEmpty()) {
            return List.of();
        }
        int limit = generator.model().maxPositions();
        int width = 0;
        for (int i = 0; i < prompts.size(); i++) {
            int n = prompts.get(i).length;
            if (n == 0) {
                throw new IllegalArgumentException(
                        "prompt " + i + " is empty: at least one token is needed");
            }
            if (n >= limit) {
                throw new IllegalArgumentException(
                        "prompt of "
                                + n
                                + " tokens does not fit the model's context of "
                                + limit
                                + " positions");
            }
            width = Math.max(width, n);
        }
        List<Row> joining = new ArrayList<>(prompts.size());
        int mostNew = 0;
        for (int[] p : prompts) {
            Row r =
                    new Row(
                            nextId++,
                            p,
                            params,
                            generator.lineBreaks(),
                            Math.min(params.maxTokens(), limit - p.length));
            joining.add(r);
            mostNew = Math.max(mostNew, r.maxNew);
        }
        int slots = Math.max(1, Math.min(mostNew, generator.initialDecodeSlots()));
        try (NDManager scope = generator.model().newManager();
                Generator.Prefilled fresh = generator.prefillEach(prompts, slots, scope)) {
            int[] first = sample(fresh.logits(), joining);
            long now = System.nanoTime();
            for (int i = 0; i < joining.size(); i++) {
                joining.get(i).prefillNanos = now - joining.get(i).joined;
                joining.get(i).next = first[i];
            }
            merge(fresh.caches(), width, slots, joining);
        }
        List<Long> out = new ArrayList<>(joining.size());
        for (Row r : joining) {
            out.add(r.id);
            record(r, r.next);
        }
        dropFinished();
        return out;
    }

    @Override
    public Map<Long, GenerationResult> step() {
        if (!rows.isEmpty()) {
            growIfFull();
            int b = rows.size();
            int past = cache.length();
            long[] ids = new long[b];
            long[] pos = new long[b];
            int[] pad = new int[b];
            for (int r = 0; r < b; r++) {
                Row row = rows.get(r);
                ids[r] = row.next;
                pos[r] = past - row.pad;
                pad[r] = row.pad;
            }
            int[] next;
            try (NDManager step = generator.model().newManager()) {
                next = sample(generator.decodeLogits(step, ids, pos, pad, cache), rows);
            }
            for (int r = 0; r < b; r++) {
                rows.get(r).next = next[r];
                record(rows.get(r), next[r]);
            }
            dropFinished();
        }
        Map<Long, GenerationResult> out = new LinkedHashMap<>(finished);
        finished.clear();
        return out;
    }

    @Override
    public int active() {
        return rows.size() + finished.size();
    }

    @Override
    public void close() {
        rows.clear();
        finished.clear();
        if (cache != null) {
            cache.close();
            cache = null;
        }
    }

    /**
     * Stacks the running cache and the joining prompts' own caches into one, right-aligned at the
     * longest (one copy), and shifts every row's padding accordingly.
     */
    private void merge(List<KvCache> fresh, int width, int slots, List<Row> joining) {
        int len = cache == null ? width : Math.max(cache.length(), width);
        int room = cache == null ? slots : Math.max(cache.capacity() - cache.length(), slots);
        List<KvCache> parts = new ArrayList<>(fresh.size() + 1);
        if (cache != null) {
            parts.add(cache);
        }
        parts.addAll(fresh);
        KvCache merged = KvCache.stack(parts, len + room);
        if (cache != null) {
            int shift = len - cache.length();
            for (Row r : rows) {
                r.pad += shift;
            }
            cache.close();
        }
        cache = merged;
        for (Row r : joining) {
            r.pad = len - r.prompt.length;
        }
        rows.addAll(joining);
    }

    private void record(Row row, int token) {
        if (generator.stopTokens().contains(token)) {
            finish(row, "stop");
            return;
        }
        row.tokens.add(token);
        if (row.tokens.size() >= row.maxNew) {
            finish(row, "length");
        }
    }

    private void finish(Row row, String reason) {
        row.finish = reason;
        List<Integer> tokens = List.copyOf(row.tokens);
        String text =
                generator.tokenizer() == null ? "" : generator.tokenizer().decode(toArray(tokens));
        long decodeNanos = Math.max(0, System.nanoTime() - row.joined - row.prefillNanos);
        finished.put(
                row.id,
                new GenerationResult(
                        text, tokens, row.prompt.length, reason, row.prefillNanos, decodeNanos));
    }

    /** Removes finished rows from the batch and their rows from the cache. */
    private void dropFinished() {
        int[] keep = new int[rows.size()];
        int n = 0;
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).finish == null) {
                keep[n++] = r;
            }
        }
        if (n == rows.size()) {
            return;
        }
        List<Row> still = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            still.add(rows.get(keep[i]));
        }
        rows.clear();
        rows.addAll(still);
        if (n == 0) {
            cache.close();
            cache = null;
            return;
        }
        KvCache smaller = cache.selectRows(Arrays.copyOf(keep, n));
        cache.close();
        cache = smaller;
    }

    /** Doubles the cache when full, up to the slots the longest remaining row can still need. */
    private void growIfFull() {
        if (cache.length() < cache.capacity()) {
            return;
        }
        int need = 0;
        for (Row r : rows) {
            need = Math.max(need, cache.length() + (r.maxNew - r.tokens.size()));
        }
        KvCache bigger =
                cache.withCapacity(
                        Math.max(cache.length() + 1, Math.min(need, 2 * cache.capacity())));
        cache.close();
        cache = bigger;
    }

    /**
     * logits {rows, vocab} -> one token per row, each with its own sampler and generated tokens.
     */
    private static int[] sample(NDArray logits, List<Row> batch) {
        return Sampler.sampleRows(
                logits,
                batch.stream().map(r -> r.sampler).toList(),
                r -> toArray(batch.get(r).tokens));
    }

    private static int[] toArray(List<Integer> tokens) {
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = tokens.get(i);
        }
        return out;
    }
}
