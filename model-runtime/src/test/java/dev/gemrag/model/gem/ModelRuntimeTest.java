package dev.gemrag.model.gem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.Pooling;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.TinyLlama;
import dev.gemrag.model.llama.compiled.MultiTokenFormat;
import dev.gemrag.model.llama.compiled.WeightFormat;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelRuntimeTest {
    static Checkpoint tiny(long seed) {
        LlamaConfig c = TinyLlama.config(RopeLayout.INTERLEAVED, true);
        return new Checkpoint(
                Path.of("Tiny-Random.Q8_0.gguf"),
                "sha-" + seed,
                c,
                TinyLlama.weights(c, seed),
                null,
                null,
                -1,
                List.of(0));
    }

    static GemAdapter randomAdapter(Checkpoint base, int k, int rank, long seed) {
        Random r = new Random(seed);
        Map<String, WeightTensor> t = new LinkedHashMap<>();
        int h = base.config().hiddenSize();
        t.put(
                GemAdapter.SUMMARY,
                new WeightTensor(GemAdapter.SUMMARY, new long[] {k, h}, gaussian(r, k * h, 1f)));
        for (int i = 0; i < base.config().numLayers(); i++) {
            for (String target : AdapterDescriptor.DEFAULT_TARGETS) {
                long[] w = base.weights().get(LlamaWeights.layer(i, target)).shape();
                t.put(
                        GemAdapter.loraA(i, target),
                        new WeightTensor(
                                GemAdapter.loraA(i, target),
                                new long[] {rank, w[1]},
                                gaussian(r, (int) (rank * w[1]), 0.1f)));
                t.put(
                        GemAdapter.loraB(i, target),
                        new WeightTensor(
                                GemAdapter.loraB(i, target),
                                new long[] {w[0], rank},
                                gaussian(r, (int) (w[0] * rank), 0.1f)));
            }
        }
        AdapterDescriptor d =
                new AdapterDescriptor(
                        AdapterDescriptor.FORMAT,
                        new AdapterDescriptor.BaseModel("tiny", base.sha256()),
                        null,
                        k,
                        "gem",
                        true,
                        "Query: ",
                        "",
                        64,
                        new AdapterDescriptor.Lora(
                                rank, 2f * rank, AdapterDescriptor.DEFAULT_TARGETS),
                        null);
        return new GemAdapter(d, t);
    }

    private static float[] gaussian(Random r, int n, float std) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = std * (float) r.nextGaussian();
        }
        return f;
    }

    @ParameterizedTest
    @CsvSource({
        "FP32, 1e-4",
        "EAGER, 1e-4",
        "FP16, 1e-4",
        "BF16, 1e-4"
    }) // embedding runs FP32 in every format
    void deviceMergedAdapterEmbedsLikeHeapMergedWeights(WeightFormat format, float tolerance) {
        Checkpoint base = tiny(1);
        GemAdapter adapter = randomAdapter(base, 2, 4, 9);
        CharTokenizer tok = new CharTokenizer(100);
        List<String> texts = List.of("one text", "another, longer text");
        try (GemLanguageModel m =
                        ModelRuntime.fromCheckpoint(
                                base, adapter, tok, Pooling.LAST, null, format);
                LlamaModel reference =
                        LlamaModel.create(base.config(), LoraMerge.mergeInto(adapter, base))) {
            assertThat(m.id()).matches("tiny-random-q8_0-gem2-[0-9a-f]{8}");
            assertThat(m.embeddingSettings().queryInstruction()).isEqualTo("Query: ");
            WeightTensor rows = adapter.summaryEmbeddings();
            reference.setExtraEmbeddings(
                    new float[][] {
                        java.util.Arrays.copyOfRange(rows.data(), 0, 64),
                        java.util.Arrays.copyOfRange(rows.data(), 64, 128)
                    });
            GemEmbedder refEmbedder = new GemEmbedder(reference, tok, m.embeddingSettings());
            List<float[]> got = m.embed(texts, EmbedRole.QUERY);
            List<float[]> want = refEmbedder.embed(texts, EmbedRole.QUERY);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(got.get(i)).containsExactly(want.get(i), Offset.offset(tolerance));
            }
            assertThat(m.compiled() == null).isEqualTo(format == WeightFormat.EAGER);
            // Same weights generate: greedy output equals the heap-merged reference's.
            List<GenerationResult> gen = m.generate(List.of("hello"), GenerationParams.greedy(5));
            List<GenerationResult> refGen =
                    new dev.gemrag.model.generate.Generator(reference, tok, List.of(0))
                            .generate(List.of("hello"), GenerationParams.greedy(5));
            assertThat(gen.get(0).tokens()).isEqualTo(refGen.get(0).tokens());
        }
    }

    /**
     * A summary-only adapter embeds on the compiled path (its LoRA inside the summary step) like
     * the eager model; with BF16 multi-token calls the FP32 projections are released and embeddings
     * come from BF16 copies: close, not equal (FP32 weights ignore the request).
     */
    @ParameterizedTest
    @CsvSource({
        "FP32, FP32, FP32",
        "FP16, FP32, FP32",
        "BF16, FP32, FP32",
        "FP16, BF16, BF16",
        "BF16, BF16, BF16",
        "INT4, BF16, BF16",
        "FP32, BF16, FP32"
    })
    void summaryOnlyAdapterEmbedsCompiledLikeTheEagerModel(
            WeightFormat format, MultiTokenFormat requested, MultiTokenFormat served) {
        Checkpoint base = tiny(5);
        GemAdapter all = randomAdapter(base, 1, 4, 3);
        AdapterDescriptor d = all.descriptor();
        AdapterDescriptor.Lora l = d.lora();
        GemAdapter adapter =
                new GemAdapter(
                        new AdapterDescriptor(
                                d.format(),
                                d.baseModel(),
                                d.summaryTokens(),
                                d.k(),
                                d.pooling(),
                                d.normalize(),
                                d.queryInstruction(),
                                d.documentInstruction(),
                                d.maxTokens(),
                                new AdapterDescriptor.Lora(
                                        l.rank(),
                                        l.alpha(),
                                        l.targets(),
                                        AdapterDescriptor.Lora.SUMMARY),
                                d.training()),
                        all.tensors());
        CharTokenizer tok = new CharTokenizer(100);
        List<String> texts = List.of("one text", "another, longer text", "");
        boolean keepFp32 = served == MultiTokenFormat.FP32;
        try (GemLanguageModel eager =
                        ModelRuntime.fromCheckpoint(
                                base, adapter, tok, Pooling.GEM, null, WeightFormat.EAGER);
                GemLanguageModel m =
                        ModelRuntime.fromCheckpoint(
                                base, adapter, tok, Pooling.GEM, null, format, requested)) {
            assertThat(eager.compiled()).isNull();
            assertThat(m.compiled().format()).isEqualTo(format);
            assertThat(m.compiled().multiToken()).isEqualTo(served);
            assertThat(m.compiled().releasedFp32()).isEqualTo(!keepFp32);
            List<float[]> want = eager.embed(texts, EmbedRole.QUERY);
            List<float[]> got = m.embed(texts, EmbedRole.QUERY);
            for (int i = 0; i < texts.size(); i++) {
                if (keepFp32) {
                    assertThat(got.get(i)).containsExactly(want.get(i), Offset.offset(1e-4f));
                } else {
                    double dot = 0;
                    double worst = 0;
                    for (int j = 0; j < want.get(i).length; j++) {
                        dot += got.get(i)[j] * want.get(i)[j];
                        worst = Math.max(worst, Math.abs(got.get(i)[j] - want.get(i)[j]));
                    }
                    assertThat(dot).as("cosine to FP32, text %d", i).isGreaterThan(0.999);
                    assertThat(worst).as("BF16 is not FP32").isGreaterThan(1e-6);
                }
            }
            assertThat(m.generate(List.of("hello"), GenerationParams.greedy(5)).get(0).tokens())
                    .isNotEmpty();
        }
    }

    @Test
    void baseModelWithoutAdapterUsesPlainPooling() {
        Checkpoint base = tiny(2);
        try (GemLanguageModel m =
                ModelRuntime.fromCheckpoint(
                        base, null, new CharTokenizer(100), Pooling.MEAN, null)) {
            assertThat(m.id()).isEqualTo("tiny-random-q8_0-mean");
            assertThat(m.embed(List.of("x y"), EmbedRole.DOCUMENT).get(0)).hasSize(64);
            assertThatThrownBy(() -> m.applyChatTemplate(List.of()))
                    .hasMessageContaining("no chat template");
        }
        assertThatThrownBy(
                        () ->
                                ModelRuntime.fromCheckpoint(
                                        base, null, new CharTokenizer(100), Pooling.GEM, null))
                .hasMessageContaining("needs an adapter");
    }

    @Test
    void refusesAdapterOfAnotherBase() {
        GemAdapter adapter = randomAdapter(tiny(3), 1, 2, 1);
        assertThatThrownBy(
                        () ->
                                ModelRuntime.fromCheckpoint(
                                        tiny(4),
                                        adapter,
                                        new CharTokenizer(100),
                                        Pooling.LAST,
                                        null))
                .hasMessageContaining("refusing to mix");
    }
}
