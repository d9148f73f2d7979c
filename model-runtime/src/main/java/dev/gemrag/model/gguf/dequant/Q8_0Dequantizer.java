package dev.gemrag.model.gguf.dequant;

import java.nio.ByteBuffer;

/**
 * GGML_TYPE_Q8_0, 32 values per 34-byte block:
 *
 * <pre>
 *   ggml_half d;        // scale
 *   int8_t    qs[32];   // x[i] = d * qs[i]
 * </pre>
 */
final class Q8_0Dequantizer implements Dequantizer {
    static final int BLOCK = 32;
    static final int BYTES = 34;

    @Override
    public void dequantize(ByteBuffer src, float[] dst, int count) {
        int base = src.position();
        for (int b = 0; b < count / BLOCK; b++) {
            int p = base + b * BYTES;
            float d = Half.toFloat(src.getShort(p));
            int out = b * BLOCK;
            for (int i = 0; i < BLOCK; i++) {
                dst[out + i] = d * src.get(p + 2 + i);
            }
        }
    }
}
