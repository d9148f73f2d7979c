package dev.gemrag.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * All weights of a Llama-family decoder under canonical, format-independent names.
 *
 * <pre>
 *   token_embd                 {vocab, hidden}
 *   layers.{i}.attn_norm       {hidden}
 *   layers.{i}.wq              {numHeads*headDim, hidden}     (+ layers.{i}.bq if attentionBias)
 *   layers.{i}.wk              {numKvHeads*headDim, hidden}   (+ layers.{i}.bk)
 *   layers.{i}.wv              {numKvHeads*headDim, hidden}   (+ layers.{i}.bv)
 *   layers.{i}.q_norm, k_norm  {headDim}                 only with qkNorm (Qwen3)
 *   layers.{i}.wo              {hidden, numHeads*headDim}
 *   layers.{i}.ffn_norm        {hidden}
 *   layers.{i}.w1              {intermediate, hidden}   gate
 *   layers.{i}.w2              {hidden, intermediate}   down
 *   layers.{i}.w3              {intermediate, hidden}   up
 *   output_norm                {hidden}
 *   output                     {vocab, hidden}          absent when tiedEmbeddings
 * </pre>
 *
 * Q/K rows are kept in the order of the source file; {@link LlamaConfig#ropeLayout()} says how to
 * rotate them.
 */
public final class LlamaWeights {
    private final Map<String, WeightTensor> tensors;

    public LlamaWeights(Map<String, WeightTensor> tensors) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public WeightTensor get(String name) {
        WeightTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("missing weight '" + name + "'");
        }
        return t;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    public Map<String, WeightTensor> all() {
        return tensors;
    }

    public static String layer(int i, String name) {
        return "layers." + i + "." + name;
    }
}
