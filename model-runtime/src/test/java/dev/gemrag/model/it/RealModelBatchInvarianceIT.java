package dev.gemrag.model.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.generate.ContinuousBatch;
import dev.gemrag.model.generate.Generator;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.KvCache;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import dev.gemrag.model.llama.compiled.WeightFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Batch invariance on the real model: a question's logits are bitwise the ones it gets alone, in a
 * batch of seven prompts (a copy of it and five of other lengths) and after a longer prompt joins
 * mid-way (its cache rows then move), and so are its greedy tokens through the {@link Generator}
 * and a {@link ContinuousBatch}; for the FP16 and INT4 decode formats. Before decode steps attended
 * per row, a left-padded batch with a mask differed from alone by ~2e-5 (FP16) and 0.08-0.16 (INT4)
 * per logit, and INT4's greedy tokens parted.
 */
class RealModelBatchInvarianceIT {
    private static final int STEPS = 16;
    private static RealModel model;

    @BeforeAll
    static void load() {
        model = RealModel.get();
    }

    /**
     * The question (a reply longer than the 24 tokens the token check compares), a copy of it (a
     * neighbour that starts at the same cache slot shares its attention call), then five other chat
     * prompts of 20-70 tokens, shorter and longer.
     */
    private static List<int[]> prompts() {
        String[] users = {
            "Write a short poem about the sea.",
            "Hi",
            "Write one sentence about the sea.",
            "List three colours of the rainbow, then explain in a few words why the sky looks blue"
                    + " on a clear day, and what a sunset has to do with it.",
            "How do I copy a file?",
            "Name a planet."
        };
        List<int[]> out = new ArrayList<>();
        for (String u : users) {
            if (out.size() == 1) {
                out.add(out.get(0));
            }
            out.add(
                    model.tokenizer.encode(
                            model.chat.render(
                                    List.of(
                                            ChatMessage.system("You are a helpful assistant."),
                                            ChatMessage.user(u)))));
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(
            value = WeightFormat.class,
            names = {"FP16", "INT4"})
    void aQuestionsLogitsAreBitwiseItsAloneLogitsInABatch(WeightFormat format) {
        List<int[]> prompts = prompts();
        int[] joiner =
                model.tokenizer.encode(
                        model.chat.render(
                                List.of(
                                        ChatMessage.user(
                                                "Explain in detail, step by step, how a Debian package"
                                                        + " is built from its source package, which"
                                                        + " tools take part, where the results go and"
                                                        + " how a maintainer checks them before an"
                                                        + " upload to the archive."))));
        try (CompiledDecoder decoder = decoder(format);
                NDManager m = model.llama.newManager()) {
            float[][] alone = decode(decoder, m, List.of(prompts.get(0)), null);
            float[][] batched = decode(decoder, m, prompts, joiner);
            double worst = 0;
            for (int s = 0; s < STEPS; s++) {
                worst = Math.max(worst, TokenScores.maxAbsDiff(alone[s], batched[s]));
            }
            System.out.printf(
                    "batch invariance %s: question (%d tokens) alone vs in a batch of %d with a"
                            + " %d-token prompt joining after 4 steps, %d steps: max |logit diff| %.3e%n",
                    format, prompts.get(0).length, prompts.size(), joiner.length, STEPS, worst);
            for (int s = 0; s < STEPS; s++) {
                assertThat(Arrays.equals(batched[s], alone[s]))
                        .as(
                                "%s step %d: logits in the batch bitwise the alone ones (max |diff| %.3e)",
                                format, s, TokenScores.maxAbsDiff(alone[s], batched[s]))
                        .isTrue();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = WeightFormat.class,
            names = {"FP16", "INT4"})
    void aQuestionGetsItsAloneTokensInABatchAndWhenJoiningARunningOne(WeightFormat format) {
        List<int[]> prompts = prompts();
        GenerationParams params = GenerationParams.greedy(24);
        try (CompiledDecoder decoder = decoder(format)) {
            Generator generator =
                    new Generator(decoder, model.tokenizer, model.checkpoint.eosTokenIds());
            List<Integer> alone =
                    generator.generateTokens(List.of(prompts.get(0)), params).get(0).tokens();
            List<GenerationResult> batch = generator.generateTokens(prompts, params);
            List<Integer> joined;
            try (ContinuousBatch session = generator.openSession()) {
                session.joinTokens(prompts.subList(1, prompts.size()), params);
                for (int s = 0; s < 5; s++) {
                    session.step();
                }
                long id = session.joinTokens(List.of(prompts.get(0)), params).get(0);
                joined = null;
                while (joined == null) {
                    Map<Long, GenerationResult> done = session.step();
                    if (done.containsKey(id)) {
                        joined = done.get(id).tokens();
                    }
                }
            }
            System.out.printf(
                    "%s tokens: alone %s%n  batch of %d %s%n  joined 5 steps late %s%n",
                    format, alone, prompts.size(), batch.get(0).tokens(), joined);
            assertThat(batch.get(0).tokens()).as("%s in a batch", format).isEqualTo(alone);
            assertThat(joined).as("%s joining a running batch", format).isEqualTo(alone);
        }
    }

    private static CompiledDecoder decoder(WeightFormat format) {
        return CompiledDecoder.create(model.llama, format);
    }

    /**
     * The serving protocol, row 0's logits at each of {@link #STEPS} greedy decode steps: every
     * prompt prefilled alone, the caches stacked right-aligned, then batched decode steps; {@code
     * joiner} (null: none) is prefilled alone and stacked onto the running cache after 4 steps.
     */
    private static float[][] decode(
            CompiledDecoder decoder, NDManager parent, List<int[]> prompts, int[] joiner) {
        float[][] out = new float[STEPS][];
        List<int[]> rows = new ArrayList<>(prompts);
        List<Integer> next = new ArrayList<>();
        List<KvCache> parts = new ArrayList<>();
        try (NDManager m = parent.newSubManager()) {
            for (int[] p : prompts) {
                parts.add(prefill(decoder, m, p, next));
            }
            // room for every step (the capacity, and so the cache's strides, differ alone and in
            // the batch, as they do when serving)
            int longest = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
            KvCache cache = KvCache.stack(parts, longest + STEPS);
            parts.forEach(KvCache::close);
            try {
                for (int s = 0; s < STEPS; s++) {
                    if (s == 4 && joiner != null) {
                        KvCache j = prefill(decoder, m, joiner, next);
                        KvCache merged =
                                KvCache.stack(
                                        List.of(cache, j),
                                        Math.max(cache.length(), joiner.length) + STEPS);
                        j.close();
                        cache.close();
                        cache = merged;
                        rows.add(joiner);
                    }
                    int b = rows.size();
                    int len = cache.length();
                    long[] ids = new long[b];
                    long[] pos = new long[b];
                    int[] first = new int[b];
                    for (int r = 0; r < b; r++) {
                        // right-aligned: a row's cached tokens (its prompt, then one per step it
                        // took part in) are the slots [len - cached, len)
                        int cached = rows.get(r).length + (r < prompts.size() ? s : s - 4);
                        first[r] = len - cached;
                        ids[r] = next.get(r);
                        pos[r] = cached;
                    }
                    NDArray logits =
                            decoder.decodeStep(
                                    m.create(ids, new Shape(b, 1)),
                                    m.create(pos, new Shape(b, 1)),
                                    cache,
                                    first);
                    float[] flat = logits.toFloatArray();
                    int vocab = flat.length / b;
                    out[s] = Arrays.copyOf(flat, vocab);
                    for (int r = 0; r < b; r++) {
                        next.set(r, TokenScores.argMax(flat, r * vocab, vocab));
                    }
                    logits.close();
                }
            } finally {
                cache.close();
            }
        }
        return out;
    }

    /** Prompt p alone into a cache of its own; appends its first greedy token to {@code next}. */
    private static KvCache prefill(
            CompiledDecoder decoder, NDManager m, int[] p, List<Integer> next) {
        KvCache cache = model.llama.newCache(1, p.length + STEPS);
        long[] ids = new long[p.length];
        long[] pos = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            ids[i] = p[i];
            pos[i] = i;
        }
        try (NDManager scope = m.newSubManager()) {
            float[] logits =
                    decoder.logitsAt(
                                    scope.create(ids, new Shape(1, p.length)),
                                    scope.create(pos, new Shape(1, p.length)),
                                    AttentionMasks.causal(scope, 1, p.length, 0, null),
                                    cache,
                                    new int[] {p.length - 1})
                            .toFloatArray();
            next.add(TokenScores.argMax(logits, 0, logits.length));
        }
        return cache;
    }
}
