package dev.gemrag.model.gguf;

import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.gguf.dequant.Dequantizers;
import java.nio.ByteBuffer;

/**
 * One GGUF tensor decoded to FP32 from the file on demand, with {@link Dequantizers}: whole (a
 * projection the model decodes once, when it is packed) or one row at a time (the rows of the token
 * embedding a compiled call needs, so no FP32 table is held). A GGUF row is always whole blocks, so
 * a row decodes to exactly the values it has in the whole tensor.
 */
final class GgufWeightSource implements WeightTensor.RowSource {
    private final GgufFile file;
    private final GgufTensorInfo tensor;
    private volatile ByteBuffer rows; // mapped on the first row read and kept: rows are read often

    GgufWeightSource(GgufFile file, GgufTensorInfo tensor) {
        this.file = file;
        this.tensor = tensor;
    }

    /** Decodes the whole tensor from a mapping of its own, unmapped again at once. */
    @Override
    public void writeTo(ByteBuffer out) {
        ByteBuffer mapped = file.map(tensor);
        try {
            Dequantizers.dequantizeInto(tensor.type(), mapped, (int) tensor.count(), out);
        } finally {
            MappedBuffers.unmap(mapped); // nothing else saw this mapping
        }
    }

    @Override
    public void writeRow(int row, ByteBuffer out) {
        long[] shape = tensor.shape();
        if (shape.length != 2 || row < 0 || row >= shape[0]) {
            throw new IllegalArgumentException(
                    tensor.name()
                            + ": no row "
                            + row
                            + " in shape "
                            + java.util.Arrays.toString(shape));
        }
        ByteBuffer mapped = rows;
        if (mapped == null) {
            mapped = file.map(tensor);
            rows = mapped;
        }
        int cols = Math.toIntExact(shape[1]);
        Dequantizers.dequantizeRange(tensor.type(), mapped, (long) row * cols, cols, out);
    }
}
