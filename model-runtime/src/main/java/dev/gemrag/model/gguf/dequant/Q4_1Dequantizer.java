package dev.gemrag.model.gguf.dequant;

import java.nio.ByteBuffer;

/**
 * GGML_TYPE_Q4_1, 32 values per 20-byte block:
 *
 * <pre>
 *   ggml_half d;        // scale
 *   ggml_half m;        // minimum
 *   uint8_t   qs[16];   // low nibble of qs[j] is x[j], high nibble is x[j+16]; x = d * q + m
 * </pre>
 */
final class Q4_1Dequantizer implements Dequantizer {
    static final int BLOCK = 32;
    static final int BYTES = 20;

    @Override
    public void dequantize(ByteBuffer src, float[] dst, int count) {
        int base = src.position();
        for (int b = 0; b < count / BLOCK; b++) {
            int p = base + b * BYTES;
            float d = Half.toFloat(src.getShort(p));
            float m = Half.toFloat(src.getShort(p + 2));
            int out = b * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = src.get(p + 4 + j) & 0xFF;
                dst[out + j] = d * (q & 0x0F) + m;
                dst[out + j + 16] = d * (q >>> 4) + m;
            }
        }
    }
}
