package dev.gemrag.model.gguf.dequant;

import java.nio.ByteBuffer;

/** GGML_TYPE_F16: IEEE half floats. */
final class F16Dequantizer implements Dequantizer {
    @Override
    public void dequantize(ByteBuffer src, float[] dst, int count) {
        int base = src.position();
        for (int i = 0; i < count; i++) {
            dst[i] = Half.toFloat(src.getShort(base + 2 * i));
        }
    }
}
