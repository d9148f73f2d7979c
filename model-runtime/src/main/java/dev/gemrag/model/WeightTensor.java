package dev.gemrag.model;

import java.util.Arrays;

/**
 * One dequantised weight on the Java heap, row-major FP32.
 *
 * <p>Matrices use PyTorch's Linear layout: shape {out, in}. GGUF stores dims innermost-first, so a
 * GGUF tensor with ne = [in, out] becomes shape {out, in} here.
 */
public record WeightTensor(String name, long[] shape, float[] data) {

    public WeightTensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("WeightTensor " + name + ": shape " + Arrays.toString(shape)
                    + " needs " + n + " values, got " + data.length);
        }
    }

    public long size() {
        return data.length;
    }

    @Override
    public String toString() {
        return "WeightTensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}
