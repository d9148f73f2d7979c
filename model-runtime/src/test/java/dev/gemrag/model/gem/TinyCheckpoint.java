package dev.gemrag.model.gem;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.WeightTensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A random Llama checkpoint small enough for unit tests (no tokenizer). */
public final class TinyCheckpoint {
    private TinyCheckpoint() {}

    public static LlamaConfig config() {
        return new LlamaConfig(
                "llama",
                40,
                16,
                32,
                2,
                4,
                2,
                4,
                1e-5f,
                10000f,
                128,
                true,
                false,
                RopeLayout.INTERLEAVED);
    }

    public static Checkpoint random(long seed, String tokenizerJson) {
        LlamaConfig c = config();
        Random r = new Random(seed);
        Map<String, WeightTensor> w = new LinkedHashMap<>();
        put(w, "token_embd", r, 0.5f, c.vocabSize(), c.hiddenSize());
        for (int i = 0; i < c.numLayers(); i++) {
            ones(w, LlamaWeights.layer(i, "attn_norm"), c.hiddenSize());
            put(
                    w,
                    LlamaWeights.layer(i, "wq"),
                    r,
                    0.3f,
                    c.numHeads() * c.headDim(),
                    c.hiddenSize());
            put(
                    w,
                    LlamaWeights.layer(i, "wk"),
                    r,
                    0.3f,
                    c.numKvHeads() * c.headDim(),
                    c.hiddenSize());
            put(
                    w,
                    LlamaWeights.layer(i, "wv"),
                    r,
                    0.3f,
                    c.numKvHeads() * c.headDim(),
                    c.hiddenSize());
            put(
                    w,
                    LlamaWeights.layer(i, "wo"),
                    r,
                    0.3f,
                    c.hiddenSize(),
                    c.numHeads() * c.headDim());
            ones(w, LlamaWeights.layer(i, "ffn_norm"), c.hiddenSize());
            put(w, LlamaWeights.layer(i, "w1"), r, 0.3f, c.intermediateSize(), c.hiddenSize());
            put(w, LlamaWeights.layer(i, "w2"), r, 0.3f, c.hiddenSize(), c.intermediateSize());
            put(w, LlamaWeights.layer(i, "w3"), r, 0.3f, c.intermediateSize(), c.hiddenSize());
        }
        ones(w, "output_norm", c.hiddenSize());
        return new Checkpoint(
                Path.of("tiny-random.gguf"),
                "tiny-sha-" + seed,
                c,
                new LlamaWeights(w),
                tokenizerJson,
                null,
                -1,
                List.of(0));
    }

    private static void put(
            Map<String, WeightTensor> w, String name, Random r, float scale, int rows, int cols) {
        float[] d = new float[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian() * scale;
        }
        w.put(name, new WeightTensor(name, new long[] {rows, cols}, d));
    }

    private static void ones(Map<String, WeightTensor> w, String name, int n) {
        float[] d = new float[n];
        java.util.Arrays.fill(d, 1f);
        w.put(name, new WeightTensor(name, new long[] {n}, d));
    }
}
