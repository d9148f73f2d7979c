package dev.gemrag.model.gguf.dequant;

import java.nio.ByteBuffer;

/** GGML_TYPE_BF16: bfloat16, widened to FP32 in Java because DJL cannot hold BF16 safely. */
final class Bf16Dequantizer implements Dequantizer {
    @Override
    public void dequantize(ByteBuffer src, float[] dst, int count) {
        int base = src.position();
        for (int i = 0; i < count; i++) {
            dst[i] = Half.bf16ToFloat(src.getShort(base + 2 * i));
        }
    }
}
