package dev.gemrag.model.llama;

import ai.djl.ndarray.NDArray;
import dev.gemrag.model.LlamaWeights;

/** SwiGLU feed-forward: w2(silu(w1 x) * w3 x). */
final class Mlp {
    private final String w1;
    private final String w2;
    private final String w3;

    Mlp(int layer) {
        this.w1 = LlamaWeights.layer(layer, "w1");
        this.w2 = LlamaWeights.layer(layer, "w2");
        this.w3 = LlamaWeights.layer(layer, "w3");
    }

    NDArray apply(NDArray x, LinearWeights linear) {
        NDArray gate = linear.apply(w1, x);
        NDArray silu = gate.mul(gate.getNDArrayInternal().sigmoid());
        return linear.apply(w2, silu.mul(linear.apply(w3, x)));
    }
}
