package dev.gemrag.model.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.KvCache;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.TinyLlama;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generation on a tiny random Llama: cache vs recomputation, batches vs single prompts, stops,
 * sampling.
 */
class GeneratorTest {
    static LlamaModel model;
    static LlamaConfig config;

    @BeforeAll
    static void load() {
        config = TinyLlama.config(RopeLayout.INTERLEAVED, true);
        model = LlamaModel.create(config, TinyLlama.weights(config, 99), Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void kvCacheDecodeEqualsFullRecomputation() {
        int[] prompt = randomIds(new Random(5), 6);
        int steps = 32;
        List<Integer> recomputed = new ArrayList<>();
        List<Integer> cached = new ArrayList<>();
        float worst = 0;
        try (NDManager m = model.newManager();
                KvCache cache = model.newCache(1, prompt.length + steps)) {
            // cached path: prefill then one token per step
            float[] cachedLogits = logitsLast(m, prompt, 0, cache);
            List<Integer> seq = new ArrayList<>(toList(prompt));
            for (int step = 0; step < steps; step++) {
                float[] full = logitsLast(m, toArray(seq), 0, null);
                int fullNext = Sampler.argmax(full, 0, full.length);
                recomputed.add(fullNext);
                int cachedNext = Sampler.argmax(cachedLogits, 0, cachedLogits.length);
                cached.add(cachedNext);
                for (int i = 0; i < full.length; i++) {
                    worst = Math.max(worst, Math.abs(full[i] - cachedLogits[i]));
                }
                seq.add(fullNext);
                cachedLogits = logitsLast(m, new int[] {fullNext}, seq.size() - 1, cache);
            }
            assertThat(cache.length()).isEqualTo(prompt.length + steps);
        }
        assertThat(worst).as("max |cached - recomputed| logit").isLessThan(1e-4f);
        assertThat(cached).isEqualTo(recomputed);
        // the Generator (no stop tokens) produces exactly the recomputed greedy tokens
        Generator g = new Generator(model, null, List.of());
        GenerationResult r =
                g.generateTokens(List.of(prompt), GenerationParams.greedy(steps)).get(0);
        assertThat(r.tokens()).isEqualTo(recomputed);
        assertThat(r.finishReason()).isEqualTo("length");
        assertThat(r.promptTokens()).isEqualTo(prompt.length);
    }

    @Test
    void batchOfDifferentLengthsEqualsEachAlone() {
        Random rnd = new Random(8);
        List<int[]> prompts = List.of(randomIds(rnd, 3), randomIds(rnd, 11), randomIds(rnd, 6));
        Generator g = new Generator(model, null, List.of());
        GenerationParams p = GenerationParams.greedy(16);
        List<GenerationResult> batch = g.generateTokens(prompts, p);
        for (int i = 0; i < prompts.size(); i++) {
            GenerationResult alone = g.generateTokens(List.of(prompts.get(i)), p).get(0);
            assertThat(batch.get(i).tokens())
                    .as("prompt %d", i)
                    .isEqualTo(alone.tokens())
                    .hasSize(16);
        }
        // a cache that starts with 3 decode slots and doubles (11 + 3 slots, then doubled) on the
        // way gives the same tokens
        List<GenerationResult> grown =
                new Generator(model, null, List.of())
                        .withInitialDecodeSlots(3)
                        .generateTokens(prompts, p);
        for (int i = 0; i < prompts.size(); i++) {
            assertThat(grown.get(i).tokens())
                    .as("grown-cache prompt %d", i)
                    .isEqualTo(batch.get(i).tokens());
        }
        // prefill in chunks of 4 columns (3 chunks through the cache) gives the same completions
        List<GenerationResult> chunked =
                new Generator(model, null, List.of())
                        .withPrefillChunk(4)
                        .generateTokens(prompts, p);
        for (int i = 0; i < prompts.size(); i++) {
            assertThat(chunked.get(i).tokens())
                    .as("chunked prompt %d", i)
                    .isEqualTo(batch.get(i).tokens());
        }
    }

    @Test
    void stopTokensEndRowsEarlyAndTheRestOfTheBatchGoesOn() {
        Random rnd = new Random(12);
        List<int[]> prompts = List.of(randomIds(rnd, 4), randomIds(rnd, 9), randomIds(rnd, 2));
        GenerationParams p = GenerationParams.greedy(20);
        List<GenerationResult> free =
                new Generator(model, null, List.of()).generateTokens(prompts, p);
        // a stop id taken from the middle of prompt 1's free completion, absent from its first
        // tokens
        List<Integer> t1 = free.get(1).tokens();
        int stopAt = -1;
        for (int i = 3; i < t1.size(); i++) {
            if (!t1.subList(0, i).contains(t1.get(i))) {
                stopAt = i;
                break;
            }
        }
        assertThat(stopAt).as("a fresh token in prompt 1's completion").isPositive();
        int stop = t1.get(stopAt);
        Generator g = new Generator(model, null, List.of(stop)).withInitialDecodeSlots(2);
        List<GenerationResult> stopped = g.generateTokens(prompts, p);
        for (int i = 0; i < prompts.size(); i++) {
            List<Integer> f = free.get(i).tokens();
            int cut = f.indexOf(stop);
            List<Integer> expected = cut < 0 ? f : f.subList(0, cut);
            assertThat(stopped.get(i).tokens()).as("prompt %d", i).isEqualTo(expected);
            assertThat(stopped.get(i).finishReason()).isEqualTo(cut < 0 ? "length" : "stop");
            assertThat(stopped.get(i).tokens())
                    .isEqualTo(g.generateTokens(List.of(prompts.get(i)), p).get(0).tokens());
        }
        assertThat(stopped.get(1).tokens()).hasSize(stopAt);
        assertThat(stopped.get(1).prefillNanos()).isPositive();
        assertThat(stopped.get(1).decodeNanos()).isPositive();
    }

    @Test
    void seededSamplingIsRepeatableAndBatchIndependent() {
        Random rnd = new Random(3);
        List<int[]> prompts = List.of(randomIds(rnd, 5), randomIds(rnd, 8));
        Generator g = new Generator(model, null, List.of());
        GenerationParams p = new GenerationParams(24, 0.9f, 0.95f, 77);
        List<GenerationResult> a = g.generateTokens(prompts, p);
        List<GenerationResult> b = g.generateTokens(prompts, p);
        GenerationResult alone = g.generateTokens(List.of(prompts.get(1)), p).get(0);
        assertThat(a.get(0).tokens()).isEqualTo(b.get(0).tokens());
        assertThat(a.get(1).tokens()).isEqualTo(alone.tokens());
        List<Integer> greedy =
                g.generateTokens(List.of(prompts.get(1)), GenerationParams.greedy(24))
                        .get(0)
                        .tokens();
        List<Integer> otherSeed =
                g.generateTokens(List.of(prompts.get(1)), new GenerationParams(24, 0.9f, 0.95f, 78))
                        .get(0)
                        .tokens();
        assertThat(a.get(1).tokens()).as("sampling is not greedy").isNotEqualTo(greedy);
        assertThat(otherSeed).as("another seed draws differently").isNotEqualTo(alone.tokens());
    }

    @Test
    void generationLeavesNoArraysBehind() {
        Generator g =
                new Generator(model, null, List.of(5, 6, 7))
                        .withInitialDecodeSlots(2)
                        .withPrefillChunk(3);
        List<int[]> prompts = List.of(randomIds(new Random(1), 4), randomIds(new Random(2), 7));
        g.generateTokens(
                prompts, GenerationParams.greedy(8)); // warm-up: lazily created engine state
        NDManager modelManager;
        try (NDManager probe = model.newManager()) {
            modelManager = probe.getParentManager();
        }
        int before = modelManager.getManagedArrays().size();
        for (int i = 0; i < 3; i++) {
            g.generateTokens(prompts, new GenerationParams(8, 0.7f, 0.9f, i));
        }
        assertThat(modelManager.getManagedArrays().size()).isEqualTo(before);
    }

    /** Last-position logits of feeding ids at positions start.. (through the cache when given). */
    private static float[] logitsLast(NDManager parent, int[] ids, int start, KvCache cache) {
        try (NDManager m = parent.newSubManager()) {
            long[] l = new long[ids.length];
            long[] pos = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                l[i] = ids[i];
                pos[i] = start + i;
            }
            int past = cache == null ? 0 : cache.length();
            NDArray mask = AttentionMasks.causal(m, 1, ids.length, past, null);
            NDArray h =
                    model.forward(
                            m.create(l, new Shape(1, ids.length)),
                            m.create(pos, new Shape(1, ids.length)),
                            mask,
                            cache);
            return model.logitsAt(h, new int[] {ids.length - 1}).toFloatArray();
        }
    }

    static int[] randomIds(Random r, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(config.vocabSize());
        }
        return ids;
    }

    private static List<Integer> toList(int[] a) {
        List<Integer> out = new ArrayList<>();
        for (int v : a) {
            out.add(v);
        }
        return out;
    }

    private static int[] toArray(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }
}
