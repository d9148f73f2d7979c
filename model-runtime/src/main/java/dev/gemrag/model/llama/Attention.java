package dev.gemrag.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;

/**
 * Multi-head attention with grouped KV heads, RoPE and an explicit additive mask.
 *
 * <p>GQA without copying K/V: query head h uses KV head h / group, so the {B, heads, T, d} queries
 * are viewed as {B, kvHeads, group*T, d} and multiplied against {B, kvHeads, S, d} keys directly.
 */
final class Attention {
    private final int layer;
    private final int numHeads;
    private final int numKvHeads;
    private final int headDim;
    private final String wq;
    private final String wk;
    private final String wv;
    private final String wo;
    private final RmsNorm qNorm; // null unless the family normalises each head (Qwen3)
    private final RmsNorm kNorm;
    private final boolean rotate; // false in SmolLM3's NoPE layers
    private final float queryScale;

    Attention(LlamaConfig config, int layer) {
        this(config, layer, null, null);
    }

    Attention(LlamaConfig config, int layer, RmsNorm qNorm, RmsNorm kNorm) {
        this.qNorm = qNorm;
        this.kNorm = kNorm;
        this.rotate = config.usesRope(layer);
        this.queryScale = (float) (1.0 / Math.sqrt(config.headDim()));
        this.layer = layer;
        this.numHeads = config.numHeads();
        this.numKvHeads = config.numKvHeads();
        this.headDim = config.headDim();
        this.wq = LlamaWeights.layer(layer, "wq");
        this.wk = LlamaWeights.layer(layer, "wk");
        this.wv = LlamaWeights.layer(layer, "wv");
        this.wo = LlamaWeights.layer(layer, "wo");
    }

    /**
     * x {B, T, hidden} (normalised), mask {B or 1, 1, T, S}; returns {B, T, hidden} in x's manager.
     */
    NDArray apply(
            NDArray x,
            NDList angles,
            Rope rope,
            NDArray mask,
            KvCache cache,
            LinearWeights linear) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long group = numHeads / numKvHeads;
        // {B, T, heads*d} -> {B, heads, T, d}
        NDArray q = linear.apply(wq, x).reshape(b, t, numHeads, headDim).transpose(0, 2, 1, 3);
        NDArray k = linear.apply(wk, x).reshape(b, t, numKvHeads, headDim).transpose(0, 2, 1, 3);
        NDArray v = linear.apply(wv, x).reshape(b, t, numKvHeads, headDim).transpose(0, 2, 1, 3);
        if (qNorm != null) {
            q = qNorm.apply(q); // over the last axis: each head on its own
            k = kNorm.apply(k);
        }
        if (rotate) {
            q = rope.apply(q, angles, true); // also scaled by 1/sqrt(d)
            k = rope.apply(k, angles, false);
        } else {
            // NoPE layer: the same 1/sqrt(d) the rotated tables fold in (a LoRA trains through it)
            q = Scalars.times(q, queryScale);
        }
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v, x.getManager());
            k = kv[0];
            v = kv[1];
        }
        long keysLen = k.getShape().get(2);
        Shape maskShape = mask.getShape();
        if (maskShape.get(2) != t || maskShape.get(3) != keysLen) {
            throw new IllegalArgumentException(
                    "attention mask "
                            + maskShape
                            + " does not match "
                            + t
                            + " queries x "
                            + keysLen
                            + " keys (layer "
                            + layer
                            + ")");
        }
        NDArray scores =
                q.reshape(b, numKvHeads, group * t, headDim).matMul(k.transpose(0, 1, 3, 2));
        NDArray masked =
                scores.reshape(b, numKvHeads, group, t, keysLen)
                        .add(mask.reshape(maskShape.get(0), 1, 1, t, keysLen));
        NDArray probs = masked.softmax(-1).reshape(b, numKvHeads, group * t, keysLen);
        NDArray context =
                probs.matMul(v) // {B, kv, group*T, d}
                        .reshape(b, numHeads, t, headDim)
                        .transpose(0, 2, 1, 3)
                        .reshape(b, t, (long) numHeads * headDim);
        return linear.apply(wo, context);
    }
}
