package dev.gemrag.model.gguf.dequant;

import java.nio.ByteBuffer;

/**
 * GGML_TYPE_Q4_0, 32 values per 18-byte block:
 *
 * <pre>
 *   ggml_half d;        // scale
 *   uint8_t   qs[16];   // low nibble of qs[j] is x[j], high nibble is x[j+16]; x = d * (q - 8)
 * </pre>
 */
final class Q4_0Dequantizer extends BlockDequantizer {
    @Override
    void decodeBlock(ByteBuffer src, int p, float[] dst, int out) {
        float d = Half.toFloat(src.getShort(p));
        for (int j = 0; j < 16; j++) {
            int q = src.get(p + 2 + j) & 0xFF;
            dst[out + j] = d * ((q & 0x0F) - 8);
            dst[out + j + 16] = d * ((q >>> 4) - 8);
        }
    }

    Q4_0Dequantizer() {
        super(32, 18);
    }
}
