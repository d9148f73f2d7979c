package dev.gemrag.model.llama.compiled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.generate.Generator;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.KvCache;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.testing.TinyLlama;
import dev.gemrag.model.testing.TinyVocab;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The compiled decoder against the eager model (the oracle) on tiny random weights. */
class CompiledDecoderTest {
    private static final float FP32_TOL = 1e-4f;

    /** Released FP32: multi-token calls run on BF16 copies (8 significant bits). */
    private static final double RELEASED_TOL = 5e-2;

    private static LlamaConfig config(String arch, RopeLayout layout, boolean bias) {
        return new LlamaConfig(
                arch, TinyVocab.SIZE, 32, 64, 2, 4, 2, 8, 1e-5f, 10000f, 128, true, bias, layout);
    }

    @ParameterizedTest
    @CsvSource({"llama, INTERLEAVED, false", "llama, HALF_SPLIT, false", "qwen2, HALF_SPLIT, true"})
    void paddedGemBatchThenCachedDecodeMatchesEagerInFp32(
            String arch, RopeLayout layout, boolean bias) {
        LlamaConfig c = config(arch, layout, bias);
        TinyLlama tiny = TinyLlama.random(5, c);
        Random r = new Random(2);
        float[][] extra = new float[2][c.hiddenSize()];
        for (float[] row : extra) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        try (LlamaModel model = LlamaModel.create(c, tiny.weights(), Device.cpu())) {
            model.setExtraEmbeddings(extra);
            try (CompiledDecoder compiled = CompiledDecoder.create(model, WeightFormat.FP32);
                    NDManager m = model.newManager()) {
                int b = 2;
                int t = 7;
                int[] pad = {0, 3};
                long[] ids = new long[b * t];
                long[] pos = new long[b * t];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = r.nextInt(c.vocabSize());
                    pos[i] = Math.max(0, i % t - pad[i / t]);
                }
                ids[4] = c.vocabSize(); // summary rows in row 0
                ids[5] = c.vocabSize() + 1;
                NDArray mask = AttentionMasks.causal(m, b, t, 0, pad);
                int[] last = {t - 1, t - 1};
                try (KvCache eagerCache = model.newCache(b, 16);
                        KvCache compiledCache = model.newCache(b, 16);
                        KvCache stepCache = model.newCache(b, 16)) {
                    float[] expected =
                            model.logitsAt(
                                            model.forward(
                                                    m.create(ids, new Shape(b, t)),
                                                    m.create(pos, new Shape(b, t)),
                                                    mask,
                                                    eagerCache),
                                            last)
                                    .toFloatArray();
                    float[] actual =
                            compiled.logitsAt(
                                            m.create(ids, new Shape(b, t)),
                                            m.create(pos, new Shape(b, t)),
                                            mask,
                                            compiledCache,
                                            last)
                                    .toFloatArray();
                    assertClose(actual, expected, FP32_TOL);
                    assertThat(compiledCache.length()).isEqualTo(t);
                    compiled.logitsAt(
                            m.create(ids, new Shape(b, t)),
                            m.create(pos, new Shape(b, t)),
                            mask,
                            stepCache,
                            last);
                    for (int step = 0; step < 5; step++) {
                        long[] next = {r.nextInt(c.vocabSize()), r.nextInt(c.vocabSize())};
                        long[] p = {t + step - pad[0], t + step - pad[1]};
                        NDArray m1 = AttentionMasks.causal(m, b, 1, t + step, pad);
                        float[] e =
                                model.logitsAt(
                                                model.forward(
                                                        m.create(next, new Shape(b, 1)),
                                                        m.create(p, new Shape(b, 1)),
                                                        m1,
                                                        eagerCache),
                                                new int[b])
                                        .toFloatArray();
                        float[] a =
                                compiled.logitsAt(
                                                m.create(next, new Shape(b, 1)),
                                                m.create(p, new Shape(b, 1)),
                                                m1,
                                                compiledCache,
                                                new int[b])
                                        .toFloatArray();
                        assertClose(a, e, FP32_TOL);
                        // the serving step: each row attends to its own slots from its padding
                        // on, without the mask
                        float[] own =
                                compiled.decodeStep(
                                                m.create(next, new Shape(b, 1)),
                                                m.create(p, new Shape(b, 1)),
                                                stepCache,
                                                pad)
                                        .toFloatArray();
                        assertClose(own, e, FP32_TOL);
                    }
                    assertThatThrownBy(
                                    () ->
                                            compiled.decodeStep(
                                                    m.create(new long[] {1, 2}, new Shape(b, 1)),
                                                    m.create(new long[] {1, 2}, new Shape(b, 1)),
                                                    stepCache,
                                                    new int[] {0, stepCache.length() + 1}))
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("first slot");
                    // the hidden states of the cache-free pass (the embedding path) match too, and
                    // the mask is used
                    NDArray h =
                            model.forward(
                                    m.create(ids, new Shape(b, t)),
                                    m.create(pos, new Shape(b, t)),
                                    mask,
                                    null);
                    NDArray hc =
                            compiled.forward(
                                    m.create(ids, new Shape(b, t)),
                                    m.create(pos, new Shape(b, t)),
                                    mask,
                                    null);
                    assertClose(hc.toFloatArray(), h.toFloatArray(), FP32_TOL);
                    NDArray full =
                            compiled.forward(
                                    m.create(ids, new Shape(b, t)),
                                    m.create(pos, new Shape(b, t)),
                                    AttentionMasks.of(m, b, t, t, (row, q, k) -> true),
                                    null);
                    assertThat(full.sub(hc).abs().max().getFloat()).isGreaterThan(1e-2f);
                }
            }
        }
    }

    /**
     * Multi-token calls on the FP32 weights (kept): prefill in FP32 accuracy in every format; a
     * decode step on packed FP16 weights (~11 significant bits: ~1e-3 relative) or on BF16 GEMMs (a
     * family with q/k/v biases, converted too; 8 significant bits: ~1e-2 relative). Both: close to
     * FP32, never FP32-exact where reduced, the same argmax, and the embedding forward in FP32 even
     * for one token. INT4: the projections are first put on a Q4_1 grid in plain Java (what a Q4_1
     * GGUF holds), so its decode step may only add BF16's rounding (activations, group scale and
     * zero); a wrong code, scale or zero would be off by whole 4-bit steps.
     */
    @ParameterizedTest
    @CsvSource({
        "FP16, llama, INTERLEAVED, false, false, 2e-2",
        "BF16, qwen2, HALF_SPLIT, true, false, 5e-2",
        "INT4, llama, INTERLEAVED, false, false, 5e-2",
        "INT4, qwen2, HALF_SPLIT, true, false, 5e-2"
    })
    void reducedWeightsStayCloseToFp32AndTheEmbeddingForwardIsFp32(
            WeightFormat format,
            String arch,
            RopeLayout layout,
            boolean bias,
            boolean reducedPrefill,
            double maxRelative) {
        LlamaConfig c = config(arch, layout, bias);
        TinyLlama tiny = TinyLlama.random(9, c);
        if (format == WeightFormat.INT4) {
            onQ41Grid(tiny, c);
        }
        try (LlamaModel model = LlamaModel.create(c, tiny.weights(), Device.cpu());
                CompiledDecoder reduced = CompiledDecoder.create(model, format);
                NDManager m = model.newManager();
                KvCache eagerCache = model.newCache(1, 16);
                KvCache cache = model.newCache(1, 16)) {
            long[] ids = {3, 17, 99, 250, 4, 8, 15, 16, 23, 42};
            long[] pos = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            NDArray mask = AttentionMasks.causal(m, 1, ids.length, 0, null);
            float[] expected =
                    model.logitsAt(
                                    model.forward(
                                            m.create(ids, new Shape(1, 10)),
                                            m.create(pos, new Shape(1, 10)),
                                            mask,
                                            eagerCache),
                                    new int[] {9})
                            .toFloatArray();
            float[] actual =
                    reduced.logitsAt(
                                    m.create(ids, new Shape(1, 10)),
                                    m.create(pos, new Shape(1, 10)),
                                    mask,
                                    cache,
                                    new int[] {9})
                            .toFloatArray();
            if (reducedPrefill) {
                assertRoundedCloseToFp32(actual, expected, maxRelative);
            } else {
                assertClose(actual, expected, FP32_TOL);
            }
            long[] next = {argMax(expected)};
            long[] at = {10};
            NDArray m1 = AttentionMasks.causal(m, 1, 1, 10, null);
            float[] e =
                    model.logitsAt(
                                    model.forward(
                                            m.create(next, new Shape(1, 1)),
                                            m.create(at, new Shape(1, 1)),
                                            m1,
                                            eagerCache),
                                    new int[] {0})
                            .toFloatArray();
            float[] a =
                    reduced.logitsAt(
                                    m.create(next, new Shape(1, 1)),
                                    m.create(at, new Shape(1, 1)),
                                    m1,
                                    cache,
                                    new int[] {0})
                            .toFloatArray();
            assertRoundedCloseToFp32(a, e, maxRelative);
            NDArray one = m.create(new long[] {7}, new Shape(1, 1));
            NDArray zero = m.create(new long[] {0}, new Shape(1, 1));
            NDArray self = AttentionMasks.causal(m, 1, 1, 0, null);
            assertClose(
                    reduced.forward(one, zero, self, null).toFloatArray(),
                    model.forward(one, zero, self, null).toFloatArray(),
                    FP32_TOL);
        }
    }

    @Test
    void greedyGenerationGivesTheEagerTokensFor64StepsInABatch() {
        LlamaConfig c = config("llama", RopeLayout.HALF_SPLIT, false);
        try (LlamaModel model =
                        LlamaModel.create(c, TinyLlama.random(13, c).weights(), Device.cpu());
                CompiledDecoder compiled = CompiledDecoder.create(model, WeightFormat.FP32)) {
            List<int[]> prompts =
                    List.of(
                            new int[] {5, 6, 7},
                            new int[] {40, 41, 42, 43, 44, 45, 46, 47},
                            new int[] {100});
            GenerationParams params = GenerationParams.greedy(64);
            List<GenerationResult> eager =
                    new Generator(model, null, Set.of()).generateTokens(prompts, params);
            List<GenerationResult> fast =
                    new Generator(compiled, null, Set.of()).generateTokens(prompts, params);
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(fast.get(i).tokens())
                        .as("prompt %d", i)
                        .hasSize(64)
                        .isEqualTo(eager.get(i).tokens());
            }
            // and a prompt alone gives what it gets in the batch
            assertThat(
                            new Generator(compiled, null, Set.of())
                                    .generateTokens(List.of(prompts.get(1)), params)
                                    .get(0)
                                    .tokens())
                    .isEqualTo(fast.get(1).tokens());
        }
    }

    @Test
    void onlyTheScriptedFeaturesAreAccepted() {
        assertThat(CompiledDecoder.supports(config("llama", RopeLayout.HALF_SPLIT, false)))
                .isTrue();
        assertThat(CompiledDecoder.supports(config("gemma2", RopeLayout.HALF_SPLIT, false)))
                .isFalse();
        assertThat(
                        CompiledDecoder.unreadWeight(
                                Set.of("token_embd", "layers.0.wq", "layers.12.bq")))
                .isNull();
        assertThat(CompiledDecoder.unreadWeight(Set.of("layers.0.wq", "layers.0.q_norm")))
                .isEqualTo("weight layers.0.q_norm");
        LlamaConfig gemma = config("gemma2", RopeLayout.HALF_SPLIT, false);
        try (LlamaModel model =
                LlamaModel.create(gemma, TinyLlama.random(1, gemma).weights(), Device.cpu())) {
            assertThatThrownBy(() -> CompiledDecoder.create(model, WeightFormat.FP32))
                    .hasMessageContaining("gemma2");
        }
        assertThatThrownBy(() -> WeightFormat.parse("int8"))
                .hasMessage(
                        "gemrag.model.weights must be fp16, bf16, int4, fp32 or eager, got 'int8'");
        assertThat(WeightFormat.parse(" BF16 ")).isEqualTo(WeightFormat.BF16);
        // the measured defaults: INT4 with native BF16, fbgemm FP16 without
        assertThat(WeightFormat.defaultFor(true)).isEqualTo(WeightFormat.INT4);
        assertThat(WeightFormat.defaultFor(false)).isEqualTo(WeightFormat.FP16);
    }

    /**
     * BF16 multi-token calls (fp16/bf16/int4 weights): prefill, the embedding forward and decode
     * stay close to the eager FP32 twin and are never FP32-exact (a silent fallback to FP32 fails
     * here); the decode step only differs from the FP32-prefilled one by its cache; the eager
     * forward refuses with a clear error instead of reading freed memory (a kept FP32 copy fails
     * here).
     */
    @ParameterizedTest
    @CsvSource({
        "FP16, llama, INTERLEAVED, false",
        "BF16, qwen2, HALF_SPLIT, true",
        "INT4, qwen2, HALF_SPLIT, true"
    })
    void bf16MultiTokenCallsStayCloseToTheEagerTwinAndTheEagerForwardRefuses(
            WeightFormat format, String arch, RopeLayout layout, boolean bias) {
        LlamaConfig c = config(arch, layout, bias);
        TinyLlama tiny = TinyLlama.random(9, c);
        if (format == WeightFormat.INT4) {
            onQ41Grid(tiny, c); // so that INT4's decode step only adds BF16 rounding
        }
        try (LlamaModel model = LlamaModel.create(c, tiny.weights(), Device.cpu());
                LlamaModel lean = LlamaModel.create(c, tiny.weights(), Device.cpu());
                CompiledDecoder keep = CompiledDecoder.create(model, format);
                CompiledDecoder released =
                        CompiledDecoder.create(lean, format, MultiTokenFormat.BF16);
                NDManager m = model.newManager();
                KvCache eagerCache = model.newCache(1, 16);
                KvCache keptCache = model.newCache(1, 16);
                KvCache cache = lean.newCache(1, 16)) {
            assertThat(released.releasedFp32()).isTrue();
            assertThat(released.multiToken()).isEqualTo(MultiTokenFormat.BF16);
            assertThat(keep.releasedFp32()).isFalse();
            long[] ids = {3, 17, 99, 250, 4, 8, 15, 16, 23, 42};
            long[] pos = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            NDArray idArray = m.create(ids, new Shape(1, 10));
            NDArray posArray = m.create(pos, new Shape(1, 10));
            NDArray mask = AttentionMasks.causal(m, 1, ids.length, 0, null);
            float[] expected =
                    model.logitsAt(
                                    model.forward(idArray, posArray, mask, eagerCache),
                                    new int[] {9})
                            .toFloatArray();
            keep.logitsAt(idArray, posArray, mask, keptCache, new int[] {9}).close();
            float[] prefill =
                    released.logitsAt(idArray, posArray, mask, cache, new int[] {9}).toFloatArray();
            assertRoundedCloseToFp32(prefill, expected, RELEASED_TOL);
            assertRoundedCloseToFp32(
                    released.forward(idArray, posArray, mask, null).toFloatArray(),
                    model.forward(idArray, posArray, mask, null).toFloatArray(),
                    RELEASED_TOL);
            // one decode step over each cache: the step weights are the same either way
            NDArray next = m.create(new long[] {argMax(expected)}, new Shape(1, 1));
            NDArray at = m.create(new long[] {10}, new Shape(1, 1));
            NDArray m1 = AttentionMasks.causal(m, 1, 1, 10, null);
            float[] e =
                    model.logitsAt(model.forward(next, at, m1, eagerCache), new int[] {0})
                            .toFloatArray();
            float[] kept = keep.logitsAt(next, at, m1, keptCache, new int[] {0}).toFloatArray();
            float[] a = released.logitsAt(next, at, m1, cache, new int[] {0}).toFloatArray();
            assertRoundedCloseToFp32(a, e, RELEASED_TOL);
            // only the cache differs (filled by the BF16 prefill instead of the FP32 one)
            assertRoundedCloseToFp32(a, kept, RELEASED_TOL);
            assertThatThrownBy(() -> lean.forward(idArray, posArray, mask, null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("FP32 projections were released");
        }
        assertThatThrownBy(
                        () ->
                                CompiledDecoder.create(
                                        null, WeightFormat.FP32, MultiTokenFormat.BF16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fp32 weights run every call in FP32");
    }

    /**
     * Lazily decoded weights (the GGUF loader's): nothing of the projections is decoded when the
     * model is built, each is decoded exactly once while its layer is compiled, and the released
     * decoder computes exactly what the one built from ready FP32 arrays does; without release the
     * eager forward is exact too.
     */
    @ParameterizedTest
    @CsvSource({"FP16, llama, INTERLEAVED, false", "BF16, qwen2, HALF_SPLIT, true"})
    void lazilyDecodedWeightsGiveExactlyTheSameDecoder(
            WeightFormat format, String arch, RopeLayout layout, boolean bias) {
        LlamaConfig c = config(arch, layout, bias);
        TinyLlama tiny = TinyLlama.random(9, c);
        java.util.Map<String, Integer> decoded = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Map<String, WeightTensor> lazy = new java.util.LinkedHashMap<>();
        for (WeightTensor t : tiny.weights().all().values()) {
            float[] values = t.data();
            lazy.put(
                    t.name(),
                    WeightTensor.lazy(
                            t.name(),
                            t.shape(),
                            out -> {
                                decoded.merge(t.name(), 1, Integer::sum);
                                out.asFloatBuffer().put(values);
                            }));
        }
        LlamaWeights lazyWeights = new LlamaWeights(lazy);
        try (LlamaModel model = LlamaModel.create(c, tiny.weights(), Device.cpu());
                LlamaModel lean = LlamaModel.createLazy(c, lazyWeights);
                LlamaModel lazyEager = LlamaModel.createLazy(c, lazyWeights);
                NDManager m = model.newManager()) {
            assertThat(decoded.keySet()).noneMatch(n -> n.matches("layers\\.\\d+\\.w.*"));
            decoded.clear();
            long[] ids = {3, 17, 99, 250, 4, 8, 15, 16, 23, 42};
            long[] pos = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            NDArray idArray = m.create(ids, new Shape(1, 10));
            NDArray posArray = m.create(pos, new Shape(1, 10));
            NDArray mask = AttentionMasks.causal(m, 1, ids.length, 0, null);
            assertClose(
                    lazyEager.forward(idArray, posArray, mask, null).toFloatArray(),
                    model.forward(idArray, posArray, mask, null).toFloatArray(),
                    0f);
            decoded.clear();
            try (CompiledDecoder fromArrays =
                            CompiledDecoder.create(model, format, MultiTokenFormat.BF16);
                    CompiledDecoder fromLazy =
                            CompiledDecoder.create(lean, format, MultiTokenFormat.BF16)) {
                assertThat(decoded).hasSize(7 * c.numLayers()).allSatisfy((k, n) -> n.equals(1));
                assertClose(
                        fromLazy.forward(idArray, posArray, mask, null).toFloatArray(),
                        fromArrays.forward(idArray, posArray, mask, null).toFloatArray(),
                        0f);
            }
            assertThatThrownBy(() -> lean.baseLinear().weight(LlamaWeights.layer(0, "wq")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("FP32 projections were released");
        }
    }

    /**
     * Reduced-precision logits: within {@code maxRelative} of FP32's largest logit, the same
     * argmax, and not FP32-exact (the reduced weights did run).
     */
    private static void assertRoundedCloseToFp32(
            float[] actual, float[] expected, double maxRelative) {
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(worst).isLessThan(maxRelative * scale).isGreaterThan(1e-6 * scale);
        assertThat(argMax(actual)).isEqualTo(argMax(expected));
    }

    private static void assertClose(float[] actual, float[] expected, float tol) {
        assertThat(actual).hasSameSizeAs(expected);
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(worst).as("max |compiled - eager|").isLessThanOrEqualTo(tol);
    }

    /** Every projection of {@code tiny} on a Q4_1 grid (see below). */
    private static void onQ41Grid(TinyLlama tiny, LlamaConfig c) {
        for (int i = 0; i < c.numLayers(); i++) {
            for (String w : new String[] {"wq", "wk", "wv", "wo", "w1", "w2", "w3"}) {
                onQ41Grid(tiny.weights().get(LlamaWeights.layer(i, w)).data());
            }
        }
    }

    /**
     * Rounds each run of 32 values (a weight row's input dimension, row-major) the way GGUF's Q4_1
     * does: 16 levels from the run's minimum to its maximum.
     */
    private static void onQ41Grid(float[] w) {
        for (int g = 0; g < w.length; g += 32) {
            float lo = Float.MAX_VALUE;
            float hi = -Float.MAX_VALUE;
            for (int j = g; j < g + 32; j++) {
                lo = Math.min(lo, w[j]);
                hi = Math.max(hi, w[j]);
            }
            float step = (hi - lo) / 15;
            for (int j = g; j < g + 32; j++) {
                w[j] = lo + step * Math.round((w[j] - lo) / step);
            }
        }
    }

    @Test
    void int4RefusesProjectionsItCannotGroup() {
        LlamaConfig c =
                new LlamaConfig(
                        "llama",
                        TinyVocab.SIZE,
                        48,
                        64,
                        2,
                        4,
                        2,
                        12,
                        1e-5f,
                        10000f,
                        128,
                        true,
                        false,
                        RopeLayout.HALF_SPLIT);
        assertThat(CompiledDecoder.int4Unsupported(c)).contains("multiples of 32, got 48");
        assertThat(CompiledDecoder.int4Unsupported(config("llama", RopeLayout.HALF_SPLIT, false)))
                .isNull();
    }

    private static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
