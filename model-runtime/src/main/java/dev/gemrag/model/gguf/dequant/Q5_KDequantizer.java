package dev.gemrag.model.gguf.dequant;

import java.nio.ByteBuffer;

/**
 * GGML_TYPE_Q5_K, 256 values per 176-byte super-block of 8 sub-blocks of 32:
 *
 * <pre>
 *   ggml_half d;            // super-block scale for the sub-block scales
 *   ggml_half dmin;         // super-block scale for the sub-block minimums
 *   uint8_t   scales[12];   // 6-bit scales and minimums, packed as in Q4_K
 *   uint8_t   qh[32];       // 5th bits: bit 2g of qh[l] for value 64g+l, bit 2g+1 for value 64g+32+l
 *   uint8_t   qs[128];      // low 4 bits, laid out as in Q4_K
 * </pre>
 *
 * x = d * sc[s] * q - dmin * m[s].
 */
final class Q5_KDequantizer extends BlockDequantizer {
    @Override
    void decodeBlock(ByteBuffer src, int p, float[] dst, int out) {
        float[] dm = new float[4];
        int qh = p + 16;
        int qs = p + 48;
        for (int g = 0; g < 4; g++) {
            Q4_KDequantizer.groupScales(src, p, g, dm);
            for (int l = 0; l < 32; l++) {
                int q = src.get(qs + 32 * g + l) & 0xFF;
                int h = src.get(qh + l) & 0xFF;
                int lo = (q & 0x0F) | (((h >>> (2 * g)) & 1) << 4);
                int hi = (q >>> 4) | (((h >>> (2 * g + 1)) & 1) << 4);
                dst[out + 64 * g + l] = dm[0] * lo - dm[1];
                dst[out + 64 * g + 32 + l] = dm[2] * hi - dm[3];
            }
        }
    }

    Q5_KDequantizer() {
        super(256, 176);
    }
}
