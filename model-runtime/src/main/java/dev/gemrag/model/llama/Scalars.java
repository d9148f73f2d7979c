package dev.gemrag.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Products with a constant that autograd may keep until the backward pass.
 *
 * <p>Not with DJL's {@code NDArray.mul(Number)}: on the PyTorch engine it wraps the number in a
 * one-element tensor over a Java direct buffer ({@code from_blob}, no copy) and closes that tensor
 * as soon as the product is computed. When the other operand requires a gradient, autograd saves
 * the constant to compute that gradient; the Java buffer, no longer referenced, is freed by the
 * next garbage collection, and a backward that runs after it reads whatever malloc wrote there (a
 * LoRA branch's gradient multiplied by garbage: the GEM trainer's non-finite gradients on a finite
 * loss). Here the constant is a tensor libtorch allocated itself, which the graph keeps alive.
 */
public final class Scalars {
    private Scalars() {}

    /** {@code x * c}, differentiable w.r.t. {@code x}; the result is in {@code x}'s manager. */
    public static NDArray times(NDArray x, float c) {
        try (NDArray constant = x.getManager().full(new Shape(), c, x.getDataType())) {
            return x.mul(constant);
        }
    }
}
