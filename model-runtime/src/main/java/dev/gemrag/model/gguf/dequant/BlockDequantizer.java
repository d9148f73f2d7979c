package dev.gemrag.model.gguf.dequant;

import java.nio.ByteBuffer;

/**
 * The loop the block formats share: whole blocks of {@code block} values stored in {@code bytes}
 * bytes each, one after another; a subclass decodes one block.
 */
abstract class BlockDequantizer implements Dequantizer {
    private final int block;
    private final int bytes;

    BlockDequantizer(int block, int bytes) {
        this.block = block;
        this.bytes = bytes;
    }

    @Override
    public final void dequantize(ByteBuffer src, float[] dst, int count) {
        int base = src.position();
        for (int b = 0; b < count / block; b++) {
            decodeBlock(src, base + b * bytes, dst, b * block);
        }
    }

    /** Decodes the block at byte {@code p} of {@code src} into {@code dst[out, out + block)}. */
    abstract void decodeBlock(ByteBuffer src, int p, float[] dst, int out);
}
