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
final class Q4_KDequantizer implements Dequantizer {
    static final int BLOCK = 256;
    static final int BYTES = 144;

    @Override
    public void dequantize(ByteBuffer src, float[] dst, int count) {
        int base = src.position();
        int[] sm = new int[2];
        for (int b = 0; b < count / BLOCK; b++) {
            int p = base + b * BYTES;
            float d = Half.toFloat(src.getShort(p));
            float dmin = Half.toFloat(src.getShort(p + 2));
            int scales = p + 4;
            int qs = p + 16;
            int out = b * BLOCK;
            // Four groups of 64 values; each group uses 32 bytes of qs and two sub-blocks.
            for (int g = 0; g < 4; g++) {
                scaleMin(src, scales, 2 * g, sm);
                float dLo = d * sm[0];
                float mLo = dmin * sm[1];
                scaleMin(src, scales, 2 * g + 1, sm);
                float dHi = d * sm[0];
                float mHi = dmin * sm[1];
                for (int l = 0; l < 32; l++) {
                    int q = src.get(qs + 32 * g + l) & 0xFF;
                    dst[out + 64 * g + l] = dLo * (q & 0x0F) - mLo;
                    dst[out + 64 * g + 32 + l] = dHi * (q >>> 4) - mHi;
                }
            }
        }
    }

    /**
     * Unpacks the 6-bit scale and minimum of sub-block j from the 12 scale bytes: sub-blocks 0..3
     * keep theirs in the low 6 bits of bytes j and j+4; sub-blocks 4..7 take their low 4 bits from
     * byte j+4 (scale: low nibble, min: high nibble) and their top 2 bits from the top bits of
     * bytes j-4 (scale) and j (min).
     */
    static void scaleMin(ByteBuffer src, int scales, int j, int[] out) {
        if (j < 4) {
            out[0] = src.get(scales + j) & 63;
            out[1] = src.get(scales + j + 4) & 63;
        } else {
            int packed = src.get(scales + j + 4) & 0xFF;
            out[0] = (packed & 0x0F) | (((src.get(scales + j - 4) & 0xFF) >>> 6) << 4);
            out[1] = (packed >>> 4) | (((src.get(scales + j) & 0xFF) >>> 6) << 4);
        }
    }
}
