package dev.gemrag.model;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape every canonical weight must have for a config; loaders check a checkpoint against it.
 */
public final class WeightShapes {
    private WeightShapes() {}

    /** Canonical name to expected shape (see {@link LlamaWeights}). */
    public static Map<String, long[]> expected(LlamaConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long ff = c.intermediateSize();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("token_embd", new long[] {c.vocabSize(), h});
        for (int i = 0; i < c.numLayers(); i++) {
            m.put(LlamaWeights.layer(i, "attn_norm"), new long[] {h});
            m.put(LlamaWeights.layer(i, "wq"), new long[] {q, h});
            m.put(LlamaWeights.layer(i, "wk"), new long[] {kv, h});
            m.put(LlamaWeights.layer(i, "wv"), new long[] {kv, h});
            if (c.attentionBias()) {
                m.put(LlamaWeights.layer(i, "bq"), new long[] {q});
                m.put(LlamaWeights.layer(i, "bk"), new long[] {kv});
                m.put(LlamaWeights.layer(i, "bv"), new long[] {kv});
            }
            if (c.qkNorm()) {
                m.put(LlamaWeights.layer(i, "q_norm"), new long[] {c.headDim()});
                m.put(LlamaWeights.layer(i, "k_norm"), new long[] {c.headDim()});
            }
            m.put(LlamaWeights.layer(i, "wo"), new long[] {h, q});
            m.put(LlamaWeights.layer(i, "ffn_norm"), new long[] {h});
            m.put(LlamaWeights.layer(i, "w1"), new long[] {ff, h});
            m.put(LlamaWeights.layer(i, "w2"), new long[] {h, ff});
            m.put(LlamaWeights.layer(i, "w3"), new long[] {ff, h});
        }
        m.put("output_norm", new long[] {h});
        if (!c.tiedEmbeddings()) {
            m.put("output", new long[] {c.vocabSize(), h});
        }
        return m;
    }

    /** Throws naming the source and the first missing or misshapen weight. */
    public static void check(Path source, LlamaConfig config, LlamaWeights weights) {
        for (Map.Entry<String, long[]> e : expected(config).entrySet()) {
            if (!weights.has(e.getKey())) {
                throw new IllegalArgumentException(
                        source + ": weight '" + e.getKey() + "' is missing");
            }
            long[] actual = weights.get(e.getKey()).shape();
            if (!Arrays.equals(actual, e.getValue())) {
                throw new IllegalArgumentException(
                        source
                                + ": weight '"
                                + e.getKey()
                                + "' has shape "
                                + Arrays.toString(actual)
                                + ", expected "
                                + Arrays.toString(e.getValue()));
            }
        }
    }
}
