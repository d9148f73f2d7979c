package dev.gemrag.model.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.GenerationSession;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.KvCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Continuous batching over one KV cache: {@link #join} prefills new prompts in a cache of their own
 * and appends it to the running one right-aligned ({@link KvCache#append}), so every row's filled
 * slots end at the shared slot counter; a row's slots before its first token are padding, masked
 * for every query, and its positions count from its own first token. A prompt therefore gets the
 * tokens it gets alone. Rows that finish leave the cache before the next step.
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
            r.pad = width - p.length;
            joining.add(r);
            mostNew = Math.max(mostNew, r.maxNew);
        }
        KvCache fresh =
                generator
                        .model()
                        .newCache(
                                joining.size(),
                                width
                                        + Math.max(
                                                1,
                                                Math.min(mostNew, generator.initialDecodeSlots())));
        try {
            int[] first = prefill(fresh, joining, width);
            long now = System.nanoTime();
            for (int i = 0; i < joining.size(); i++) {
                joining.get(i).prefillNanos = now - joining.get(i).joined;
                joining.get(i).next = first[i];
            }
            merge(fresh, width, joining);
        } catch (RuntimeException e) {
            fresh.close();
            throw e;
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
                next =
                        sample(
                                generator.logitsAt(
                                        step.create(ids, new Shape(b, 1)),
                                        step.create(pos, new Shape(b, 1)),
                                        AttentionMasks.causal(step, b, 1, past, pad),
                                        cache,
                                        new int[b]),
                                rows);
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

    /** Feeds the left-padded prompts in chunks; returns each row's first sampled token. */
    private int[] prefill(KvCache fresh, List<Row> joining, int width) {
        int b = joining.size();
        int[] pad = new int[b];
        for (int r = 0; r < b; r++) {
            pad[r] = joining.get(r).pad;
        }
        int chunk = generator.prefillChunk();
        int[] first = null;
        for (int from = 0; from < width; from += chunk) {
            int to = Math.min(width, from + chunk);
            int t = to - from;
            long[] ids = new long[b * t];
            long[] pos = new long[b * t];
            for (int r = 0; r < b; r++) {
                int[] p = joining.get(r).prompt;
                for (int c = from; c < to; c++) {
                    int i = r * t + (c - from);
                    ids[i] = c < pad[r] ? 0 : p[c - pad[r]];
                    pos[i] = Math.max(0, c - pad[r]);
                }
            }
            try (NDManager step = generator.model().newManager()) {
                int[] last = new int[b];
                Arrays.fill(last, t - 1);
                NDArray logits =
                        generator.logitsAt(
                                step.create(ids, new Shape(b, t)),
                                step.create(pos, new Shape(b, t)),
                                AttentionMasks.causal(step, b, t, from, pad),
                                fresh,
                                last);
                if (to == width) {
                    first = sample(logits, joining);
                }
            }
        }
        return first;
    }

    /**
     * Appends the freshly prefilled rows to the running cache, right-aligned, and shifts the pads.
     */
    private void merge(KvCache fresh, int width, List<Row> joining) {
        if (cache == null) {
            cache = fresh;
            rows.addAll(joining);
            return;
        }
        int len = Math.max(cache.length(), width);
        int room = Math.max(cache.capacity() - cache.length(), fresh.capacity() - width);
        KvCache merged = cache.append(fresh, len + room);
        int shiftOld = len - cache.length();
        int shiftNew = len - width;
        cache.close();
        fresh.close();
        cache = merged;
        for (Row r : rows) {
            r.pad += shiftOld;
        }
        for (Row r : joining) {
            r.pad += shiftNew;
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
