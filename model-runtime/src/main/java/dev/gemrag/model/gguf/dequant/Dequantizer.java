package dev.gemrag.model.gguf.dequant;

import java.nio.ByteBuffer;

/** Expands one ggml tensor type to FP32. */
public interface Dequantizer {
    /**
     * Decodes the first {@code count} values (whole blocks) of {@code src} (little-endian,
     * positioned at the tensor's first byte) into {@code dst[0, count)}; dst may be longer (a
     * reused scratch array).
     */
    void dequantize(ByteBuffer src, float[] dst, int count);
}
