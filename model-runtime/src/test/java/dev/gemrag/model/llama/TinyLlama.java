package dev.gemrag.model.llama;

import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.WeightTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Tiny random Llama checkpoints for tests: 2 layers, hidden 64, 4 heads / 2 KV heads, vocab 100.
 */
public final class TinyLlama {
    private TinyLlama() {}

    public static LlamaConfig config(RopeLayout layout, boolean tied) {
        return new LlamaConfig(
                "llama", 100, 64, 96, 2, 4, 2, 16, 1e-5f, 10000f, 256, tied, false, layout);
    }

    /** Weights with N(0, 0.2^2)-ish entries (norm weights around 1), repeatable from the seed. */
    public static LlamaWeights weights(LlamaConfig c, long seed) {
        Random r = new Random(seed);
        Map<String, WeightTensor> m = new LinkedHashMap<>();
        int h = c.hiddenSize();
        int q = c.numHeads() * c.headDim();
        int kv = c.numKvHeads() * c.headDim();
        put(m, r, "token_embd", 1.0f, 0f, c.vocabSize(), h);
        for (int i = 0; i < c.numLayers(); i++) {
            put(m, r, LlamaWeights.layer(i, "attn_norm"), 0.1f, 1f, h);
            put(m, r, LlamaWeights.layer(i, "wq"), 0.2f, 0f, q, h);
            put(m, r, LlamaWeights.layer(i, "wk"), 0.2f, 0f, kv, h);
            put(m, r, LlamaWeights.layer(i, "wv"), 0.2f, 0f, kv, h);
            put(m, r, LlamaWeights.layer(i, "wo"), 0.2f, 0f, h, q);
            put(m, r, LlamaWeights.layer(i, "ffn_norm"), 0.1f, 1f, h);
            put(m, r, LlamaWeights.layer(i, "w1"), 0.2f, 0f, c.intermediateSize(), h);
            put(m, r, LlamaWeights.layer(i, "w2"), 0.2f, 0f, h, c.intermediateSize());
            put(m, r, LlamaWeights.layer(i, "w3"), 0.2f, 0f, c.intermediateSize(), h);
            if (c.attentionBias()) {
                put(m, r, LlamaWeights.layer(i, "bq"), 0.1f, 0f, q);
                put(m, r, LlamaWeights.layer(i, "bk"), 0.1f, 0f, kv);
                put(m, r, LlamaWeights.layer(i, "bv"), 0.1f, 0f, kv);
            }
        }
        put(m, r, "output_norm", 0.1f, 1f, h);
        if (!c.tiedEmbeddings()) {
            put(m, r, "output", 0.2f, 0f, c.vocabSize(), h);
        }
        return new LlamaWeights(m);
    }

    private static void put(
            Map<String, WeightTensor> m,
            Random r,
            String name,
            float std,
            float mean,
            long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] data = new float[(int) n];
        for (int i = 0; i < data.length; i++) {
            data[i] = mean + std * (float) r.nextGaussian();
        }
        m.put(name, new WeightTensor(name, shape, data));
    }
}
