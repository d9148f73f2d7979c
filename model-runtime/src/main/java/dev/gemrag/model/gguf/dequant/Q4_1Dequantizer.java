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
final class Q4_1Dequantizer extends BlockDequantizer {
    @Override
    void decodeBlock(ByteBuffer src, int p, float[] dst, int out) {
        float d = Half.toFloat(src.getShort(p));
        float m = Half.toFloat(src.getShort(p + 2));
        for (int j = 0; j < 16; j++) {
            int q = src.get(p + 4 + j) & 0xFF;
            dst[out + j] = d * (q & 0x0F) + m;
            dst[out + j + 16] = d * (q >>> 4) + m;
        }
    }

    Q4_1Dequantizer() {
        super(32, 20);
    }
}
