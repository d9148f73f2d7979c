package dev.gemrag.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One dequantised weight, row-major FP32: either a Java array ({@code data}) or a direct
 * native-order buffer ({@code direct}) that the tensor library wraps without a copy (the GGUF
 * loader's, so no FP32 copy of the weights lives on the Java heap).
 *
 * <p>Matrices use PyTorch's Linear layout: shape {out, in}. GGUF stores dims innermost-first, so a
 * GGUF tensor with ne = [in, out] becomes shape {out, in} here.
 *
 * <p>A direct buffer is shared with the arrays wrapped over it: an in-place update of such an array
 * (a merged LoRA) shows here too.
 */
public record WeightTensor(String name, long[] shape, float[] data, ByteBuffer direct) {

    public WeightTensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if ((data == null) == (direct == null)) {
            throw new IllegalArgumentException(
                    "WeightTensor " + name + ": exactly one of an array and a direct buffer");
        }
        long have = data != null ? data.length : direct.capacity() / Float.BYTES;
        if (n != have) {
            throw new IllegalArgumentException(
                    "WeightTensor "
                            + name
                            + ": shape "
                            + Arrays.toString(shape)
                            + " needs "
                            + n
                            + " values, got "
                            + have);
        }
        if (direct != null && (!direct.isDirect() || direct.order() != ByteOrder.nativeOrder())) {
            throw new IllegalArgumentException(
                    "WeightTensor " + name + ": the buffer must be direct, in native order");
        }
    }

    public WeightTensor(String name, long[] shape, float[] data) {
        this(name, shape, data, null);
    }

    /** A weight held in a direct native-order buffer of FP32 values. */
    public static WeightTensor direct(String name, long[] shape, ByteBuffer buffer) {
        return new WeightTensor(name, shape, null, buffer);
    }

    /**
     * The values as a Java array: the array itself, or a heap copy of the direct buffer (for small
     * uses).
     */
    @Override
    public float[] data() {
        if (data != null) {
            return data;
        }
        float[] copy = new float[(int) size()];
        direct.duplicate().order(ByteOrder.nativeOrder()).rewind().asFloatBuffer().get(copy);
        return copy;
    }

    public long size() {
        return data != null ? data.length : direct.capacity() / Float.BYTES;
    }

    @Override
    public String toString() {
        return "WeightTensor["
                + name
                + " "
                + Arrays.toString(shape)
                + (direct != null ? " direct]" : "]");
    }
}
