package dev.gemrag.model.gguf.dequant;

import java.nio.ByteBuffer;

/**
 * GGML_TYPE_Q5_0, 32 values per 22-byte block:
 *
 * <pre>
 *   ggml_half d;        // scale
 *   uint8_t   qh[4];    // little-endian uint32: bit j is the 5th bit of x[j]
 *   uint8_t   qs[16];   // low nibble of qs[j] is x[j], high nibble is x[j+16]; x = d * (q - 16)
 * </pre>
 */
final class Q5_0Dequantizer extends BlockDequantizer {
    @Override
    void decodeBlock(ByteBuffer src, int p, float[] dst, int out) {
        float d = Half.toFloat(src.getShort(p));
        int qh = src.getInt(p + 2);
        for (int j = 0; j < 16; j++) {
            int q = src.get(p + 6 + j) & 0xFF;
            int lo = (q & 0x0F) | (((qh >>> j) & 1) << 4);
            int hi = (q >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
            dst[out + j] = d * (lo - 16);
            dst[out + j + 16] = d * (hi - 16);
        }
    }

    Q5_0Dequantizer() {
        super(32, 22);
    }
}
