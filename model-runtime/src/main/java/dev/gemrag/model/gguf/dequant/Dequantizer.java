package dev.gemrag.model.gguf.dequant;

import java.nio.ByteBuffer;

/** Expands one ggml tensor type to FP32. */
public interface Dequantizer {
    /**
     * Decodes all blocks of {@code src} (little-endian, positioned at the tensor's first byte) into
     * {@code dst}, whose length is the tensor's value count.
     */
    void dequantize(ByteBuffer src, float[] dst);
}
