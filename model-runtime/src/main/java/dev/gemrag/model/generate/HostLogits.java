package dev.gemrag.model.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.FloatBuffer;

/**
 * Logits on the host without a Java-heap copy per decode step. {@code toFloatArray} copied each
 * step's logits twice onto the heap (a byte[] and a float[], 1.5 MiB each at batch 8 of 49,152:
 * humongous objects for G1 with 1 MiB regions); under load G1 grew the heap to keep up, and the
 * process's peak RSS with it (bench: Java heap 75 -> 134 MiB resident during decode).
 */
final class HostLogits {
    /** The last copy's buffer, per thread: each decode loop runs on one thread. */
    private static final ThreadLocal<float[]> BUFFER = ThreadLocal.withInitial(() -> new float[0]);

    private HostLogits() {}

    /**
     * A read-only view of the FP32 tensor's memory (contiguous on the CPU; else a copy), valid
     * while {@code logits} is open.
     */
    static FloatBuffer view(NDArray logits) {
        if (logits.getDataType() != DataType.FLOAT32) {
            return FloatBuffer.wrap(logits.toType(DataType.FLOAT32, false).toFloatArray());
        }
        return logits.toByteBuffer(true).asFloatBuffer().asReadOnlyBuffer();
    }

    /**
     * The first {@code n} logits in a per-thread array the caller may change until its next call
     * (the samplers edit logits in place).
     */
    static float[] copy(NDArray logits, int n) {
        float[] out = BUFFER.get();
        if (out.length < n) {
            out = new float[n];
            BUFFER.set(out);
        }
        view(logits).get(out, 0, n);
        return out;
    }
}
