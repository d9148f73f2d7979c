package dev.gemrag.model.gguf.dequant;

import java.nio.ByteBuffer;

/**
 * GGML_TYPE_Q4_K, 256 values per 144-byte super-block of 8 sub-blocks of 32:
 *
 * <pre>
 *   ggml_half d;            // super-block scale for the sub-block scales
 *   ggml_half dmin;         // super-block scale for the sub-block minimums
 *   uint8_t   scales[12];   // 8 six-bit scales and 8 six-bit minimums, packed (see scaleMin)
 *   uint8_t   qs[128];      // 4-bit quants; 32 bytes per pair of sub-blocks: low nibbles, then high nibbles
 * </pre>
 *
 * x = d * sc[s] * q - dmin * m[s].
 */
final class Q4_KDequantizer extends BlockDequantizer {
    @Override
    void decodeBlock(ByteBuffer src, int p, float[] dst, int out) {
        float[] dm = new float[4];
        int qs = p + 16;
        // Four groups of 64 values; each group uses 32 bytes of qs and two sub-blocks.
        for (int g = 0; g < 4; g++) {
            groupScales(src, p, g, dm);
            for (int l = 0; l < 32; l++) {
                int q = src.get(qs + 32 * g + l) & 0xFF;
                dst[out + 64 * g + l] = dm[0] * (q & 0x0F) - dm[1];
                dst[out + 64 * g + 32 + l] = dm[2] * (q >>> 4) - dm[3];
            }
        }
    }

    Q4_KDequantizer() {
        super(256, 144);
    }

    /**
     * The scales of value group g (sub-blocks 2g and 2g+1) of the super-block at p, into {@code
     * out}: d * sc and dmin * m of the low sub-block, then of the high one. Q5_K shares the header.
     */
    static void groupScales(ByteBuffer src, int p, int g, float[] out) {
        float d = Half.toFloat(src.getShort(p));
        float dmin = Half.toFloat(src.getShort(p + 2));
        for (int s = 0; s < 2; s++) {
            int j = 2 * g + s;
            out[2 * s] = d * scaleMin(src, p + 4, j, 0);
            out[2 * s + 1] = dmin * scaleMin(src, p + 4, j, 1);
        }
    }

    /**
     * Unpacks the 6-bit scale ({@code which} 0) or minimum (1) of sub-block j from the 12 scale
     * bytes: sub-blocks 0..3 keep theirs in the low 6 bits of bytes j and j+4; sub-blocks 4..7 take
     * their low 4 bits from byte j+4 (scale: low nibble, min: high nibble) and their top 2 bits
     * from the top bits of bytes j-4 (scale) and j (min).
     */
    static int scaleMin(ByteBuffer src, int scales, int j, int which) {
        if (j < 4) {
            return src.get(scales + j + 4 * which) & 63;
        }
        int packed = src.get(scales + j + 4) & 0xFF;
        int top = (src.get(scales + j - 4 + 4 * which) & 0xFF) >>> 6;
        return (which == 0 ? packed & 0x0F : packed >>> 4) | (top << 4);
    }
}
