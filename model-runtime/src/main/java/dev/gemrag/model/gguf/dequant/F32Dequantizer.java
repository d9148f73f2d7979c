package dev.gemrag.model.gguf.dequant;

import java.nio.ByteBuffer;

/** GGML_TYPE_F32: plain little-endian floats. */
final class F32Dequantizer implements Dequantizer {
    @Override
    public void dequantize(ByteBuffer src, float[] dst, int count) {
        src.asFloatBuffer().get(dst, 0, count);
    }
}
