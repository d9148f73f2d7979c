package dev.gemrag.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/** One decoder layer: x + attn(norm(x)), then h + mlp(norm(h)). */
final class Block {
    private final RmsNorm attnNorm;
    private final Attention attention;
    private final RmsNorm ffnNorm;
    private final Mlp mlp;

    Block(RmsNorm attnNorm, Attention attention, RmsNorm ffnNorm, Mlp mlp) {
        this.attnNorm = attnNorm;
        this.attention = attention;
        this.ffnNorm = ffnNorm;
        this.mlp = mlp;
    }

    RmsNorm attnNorm() {
        return attnNorm;
    }

    RmsNorm ffnNorm() {
        return ffnNorm;
    }

    /**
     * Runs in its own sub-manager so one layer's temporaries are freed before the next layer (a
     * 30-layer prefill would otherwise hold every layer's attention scores at once). The result is
     * attached to x's manager.
     */
    NDArray apply(
            NDArray x,
            NDList angles,
            Rope rope,
            NDArray mask,
            KvCache cache,
            LinearWeights linear) {
        NDManager outer = x.getManager();
        try (NDManager scope = outer.newSubManager()) {
            scope.tempAttachAll(x);
            NDArray h =
                    x.add(attention.apply(attnNorm.apply(x), angles, rope, mask, cache, linear));
            NDArray out = h.add(mlp.apply(ffnNorm.apply(h), linear));
            out.attach(outer);
            return out;
        }
    }
}
