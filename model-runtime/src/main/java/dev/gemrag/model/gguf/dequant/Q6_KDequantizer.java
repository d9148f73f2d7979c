package dev.gemrag.model.gguf.dequant;

import java.nio.ByteBuffer;

/**
 * GGML_TYPE_Q6_K, 256 values per 210-byte super-block of 16 sub-blocks of 16:
 *
 * <pre>
 *   uint8_t   ql[128];      // low 4 bits of the quants
 *   uint8_t   qh[64];       // high 2 bits of the quants
 *   int8_t    scales[16];   // 8-bit sub-block scales
 *   ggml_half d;            // super-block scale
 * </pre>
 *
 * Each half of 128 values uses 64 bytes of ql, 32 of qh and 8 scales. Within a half, for l in
 * 0..31, values l, l+32, l+64, l+96 take their low bits from ql[l] low, ql[l+32] low, ql[l] high,
 * ql[l+32] high, and their high bits from bit pairs 0, 2, 4, 6 of qh[l]; x = d * scale * (q - 32).
 */
final class Q6_KDequantizer extends BlockDequantizer {
    @Override
    void decodeBlock(ByteBuffer src, int p, float[] dst, int out) {
        float d = Half.toFloat(src.getShort(p + 208));
        for (int half = 0; half < 2; half++) {
            int ql = p + 64 * half;
            int qh = p + 128 + 32 * half;
            int sc = p + 192 + 8 * half;
            int at = out + 128 * half;
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int lowA = src.get(ql + l) & 0xFF;
                int lowB = src.get(ql + l + 32) & 0xFF;
                int high = src.get(qh + l) & 0xFF;
                int q1 = ((lowA & 0x0F) | ((high & 3) << 4)) - 32;
                int q2 = ((lowB & 0x0F) | (((high >>> 2) & 3) << 4)) - 32;
                int q3 = ((lowA >>> 4) | (((high >>> 4) & 3) << 4)) - 32;
                int q4 = ((lowB >>> 4) | (((high >>> 6) & 3) << 4)) - 32;
                dst[at + l] = d * src.get(sc + is) * q1;
                dst[at + l + 32] = d * src.get(sc + is + 2) * q2;
                dst[at + l + 64] = d * src.get(sc + is + 4) * q3;
                dst[at + l + 96] = d * src.get(sc + is + 6) * q4;
            }
        }
    }

    Q6_KDequantizer() {
        super(256, 210);
    }
}
