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
 *
 * <p>A third form is lazy ({@code source}): the GGUF loader's, decoded from the mapped file only
 * when a consumer asks, so a model that keeps compiled copies can decode, pack and free one layer
 * at a time instead of holding every FP32 weight at once. {@link #direct()} and {@link #data()}
 * then decode afresh on every call.
 */
public record WeightTensor(
        String name, long[] shape, float[] data, ByteBuffer direct, Source source) {

    /** Writes a lazy weight's FP32 values, row-major, into a native-order buffer of its size. */
    @FunctionalInterface
    public interface Source {
        void writeTo(ByteBuffer out);
    }

    /**
     * A lazy source that also decodes single rows of a matrix (the GGUF loader's): what lets the
     * compiled decoder read the token-embedding rows a call needs instead of holding the FP32
     * table.
     */
    public interface RowSource extends Source {
        /**
         * Writes row {@code row}'s FP32 values (the matrix's column count) into {@code out}, a
         * native-order buffer of exactly that size, from its position 0.
         */
        void writeRow(int row, ByteBuffer out);
    }

    public WeightTensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        int forms = (data != null ? 1 : 0) + (direct != null ? 1 : 0) + (source != null ? 1 : 0);
        if (forms != 1) {
            throw new IllegalArgumentException(
                    "WeightTensor "
                            + name
                            + ": exactly one of an array, a direct buffer and a lazy source");
        }
        long have =
                data != null ? data.length : direct != null ? direct.capacity() / Float.BYTES : n;
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
        this(name, shape, data, null, null);
    }

    /** A weight held in a direct native-order buffer of FP32 values. */
    public static WeightTensor direct(String name, long[] shape, ByteBuffer buffer) {
        return new WeightTensor(name, shape, null, buffer, null);
    }

    /** A weight decoded by {@code source} each time its values are asked for. */
    public static WeightTensor lazy(String name, long[] shape, Source source) {
        return new WeightTensor(name, shape, null, null, source);
    }

    public boolean isLazy() {
        return source != null;
    }

    /**
     * The direct buffer; for a lazy weight a new one, decoded now (the caller owns it); null for an
     * array-backed weight.
     */
    @Override
    public ByteBuffer direct() {
        if (source == null) {
            return direct;
        }
        ByteBuffer out =
                ByteBuffer.allocateDirect(Math.multiplyExact(Math.toIntExact(size()), Float.BYTES))
                        .order(ByteOrder.nativeOrder());
        source.writeTo(out);
        return out.rewind();
    }

    /**
     * Writes the values into {@code out} (native order, exactly {@link #size()} floats from its
     * position 0), e.g. a view of memory the tensor library owns.
     */
    public void writeTo(ByteBuffer out) {
        if (out.capacity() != size() * Float.BYTES) {
            throw new IllegalArgumentException(
                    "WeightTensor " + name + ": target holds " + out.capacity() + " bytes");
        }
        ByteBuffer target = out.duplicate().order(ByteOrder.nativeOrder()).rewind();
        if (source != null) {
            source.writeTo(target);
        } else if (direct != null) {
            target.put(direct.duplicate().rewind());
        } else {
            target.asFloatBuffer().put(data);
        }
    }

    /**
     * Writes rows {@code rows[0]}, {@code rows[1]}, ... of this {rows, cols} matrix one after the
     * other into {@code out} (native order, exactly {@code rows.length * cols} floats from its
     * position 0): the same values as the same rows of {@link #writeTo}'s whole matrix. A {@link
     * RowSource} decodes only these rows; any other lazy source decodes the whole weight once per
     * call.
     */
    public void gatherRows(long[] rows, ByteBuffer out) {
        if (shape.length != 2) {
            throw new IllegalArgumentException(
                    "WeightTensor " + name + ": rows of a " + shape.length + "-d weight");
        }
        int cols = Math.toIntExact(shape[1]);
        int rowBytes = cols * Float.BYTES;
        if (out.capacity() != (long) rows.length * rowBytes) {
            throw new IllegalArgumentException(
                    "WeightTensor "
                            + name
                            + ": "
                            + rows.length
                            + " rows need "
                            + (long) rows.length * rowBytes
                            + " bytes, the target holds "
                            + out.capacity());
        }
        for (long r : rows) {
            if (r < 0 || r >= shape[0]) {
                throw new IllegalArgumentException(
                        "WeightTensor " + name + ": row " + r + " outside [0, " + shape[0] + ")");
            }
        }
        ByteBuffer target = out.duplicate().order(ByteOrder.nativeOrder()).rewind();
        if (source instanceof RowSource rowSource) {
            for (int i = 0; i < rows.length; i++) {
                rowSource.writeRow(
                        (int) rows[i],
                        target.slice(i * rowBytes, rowBytes).order(ByteOrder.nativeOrder()));
            }
            return;
        }
        if (data != null) {
            java.nio.FloatBuffer f = target.asFloatBuffer();
            for (long r : rows) {
                f.put(data, Math.toIntExact(r * cols), cols);
            }
            return;
        }
        ByteBuffer all = direct(); // a lazy source without row access: decoded now
        for (int i = 0; i < rows.length; i++) {
            target.put(i * rowBytes, all, Math.toIntExact(rows[i] * rowBytes), rowBytes);
        }
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
        direct().duplicate().order(ByteOrder.nativeOrder()).rewind().asFloatBuffer().get(copy);
        return copy;
    }

    public long size() {
        if (data != null) {
            return data.length;
        }
        if (direct != null) {
            return direct.capacity() / Float.BYTES;
        }
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return "WeightTensor["
                + name
                + " "
                + Arrays.toString(shape)
                + (direct != null ? " direct]" : source != null ? " lazy]" : "]");
    }
}
