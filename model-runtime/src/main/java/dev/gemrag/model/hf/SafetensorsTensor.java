package dev.gemrag.model.hf;

import java.util.Arrays;

/**
 * One entry of a safetensors header.
 *
 * @param file the .safetensors file it lives in
 * @param name tensor name
 * @param dtype "F32", "F16", "BF16", ...
 * @param shape row-major shape (PyTorch order)
 * @param begin first byte, relative to the data section
 * @param end one past the last byte
 */
public record SafetensorsTensor(
        SafetensorsFile file, String name, String dtype, long[] shape, long begin, long end) {

    public long count() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape);
    }
}
