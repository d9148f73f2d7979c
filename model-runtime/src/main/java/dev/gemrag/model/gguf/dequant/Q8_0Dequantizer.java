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
final class Q8_0Dequantizer extends BlockDequantizer {
    @Override
    void decodeBlock(ByteBuffer src, int p, float[] dst, int out) {
        float d = Half.toFloat(src.getShort(p));
        for (int i = 0; i < 32; i++) {
            dst[out + i] = d * src.get(p + 2 + i);
        }
    }

    Q8_0Dequantizer() {
        super(32, 34);
    }
}
