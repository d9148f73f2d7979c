package dev.gemrag.model.llama;

import ai.djl.ndarray.NDArray;

/** y = x / sqrt(mean(x^2) + eps) * weight, over the last axis. */
final class RmsNorm {
    private final NDArray weight;
    private final float eps;

    RmsNorm(NDArray weight, float eps) {
        this.weight = weight;
        this.eps = eps;
    }

    NDArray weight() {
        return weight;
    }

    /** Temporaries and the result live in x's manager. */
    NDArray apply(NDArray x) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true);
        NDArray rms = meanSquare.add(eps).sqrt();
        return x.div(rms).mul(weight);
    }
}
