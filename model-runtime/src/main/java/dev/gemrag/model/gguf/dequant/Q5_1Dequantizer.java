package dev.gemrag.model.gguf.dequant;

import java.nio.ByteBuffer;

/**
 * GGML_TYPE_Q5_1, 32 values per 24-byte block:
 *
 * <pre>
 *   ggml_half d;        // scale
 *   ggml_half m;        // minimum
 *   uint8_t   qh[4];    // little-endian uint32: bit j is the 5th bit of x[j]
 *   uint8_t   qs[16];   // low nibble of qs[j] is x[j], high nibble is x[j+16]; x = d * q + m
 * </pre>
 */
final class Q5_1Dequantizer extends BlockDequantizer {
    @Override
    void decodeBlock(ByteBuffer src, int p, float[] dst, int out) {
        float d = Half.toFloat(src.getShort(p));
        float m = Half.toFloat(src.getShort(p + 2));
        int qh = src.getInt(p + 4);
        for (int j = 0; j < 16; j++) {
            int q = src.get(p + 8 + j) & 0xFF;
            int lo = (q & 0x0F) | (((qh >>> j) & 1) << 4);
            int hi = (q >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
            dst[out + j] = d * lo + m;
            dst[out + j + 16] = d * hi + m;
        }
    }

    Q5_1Dequantizer() {
        super(32, 24);
    }
}
