package dev.gemrag.model.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A parsed GGUF header: metadata, tensor directory and where the data section starts. Tensor bytes
 * are memory-mapped on demand, so opening a file reads only its header.
 */
public record GgufFile(
        Path path,
        int version,
        GgufMetadata metadata,
        Map<String, GgufTensorInfo> tensors,
        int alignment,
        long dataOffset,
        long fileSize) {

    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo t = tensors.get(name);
        if (t == null) {
            throw new GgufFormatException(path + ": tensor '" + name + "' is missing");
        }
        return t;
    }

    /** Bytes the tensor occupies in the data section (whole blocks). */
    public long byteSize(GgufTensorInfo t) {
        GgmlType type = t.type();
        if (type == null) {
            throw new GgufFormatException(
                    path + ": tensor '" + t.name() + "' has unsupported " + t.typeName());
        }
        if (t.count() % type.blockSize() != 0) {
            throw new GgufFormatException(
                    path
                            + ": tensor '"
                            + t.name()
                            + "' has "
                            + t.count()
                            + " values, not a multiple of the "
                            + type
                            + " block size "
                            + type.blockSize());
        }
        return type.bytesFor(t.count());
    }

    /** Memory-maps the tensor's bytes, little-endian, read-only. */
    public ByteBuffer map(GgufTensorInfo t) {
        long start = dataOffset + t.offset();
        long size = byteSize(t);
        if (start + size > fileSize) {
            throw new GgufFormatException(
                    path
                            + ": file is truncated: tensor '"
                            + t.name()
                            + "' needs bytes up to "
                            + (start + size)
                            + " but the file has "
                            + fileSize);
        }
        if (size > Integer.MAX_VALUE) {
            throw new GgufFormatException(
                    path + ": tensor '" + t.name() + "' is larger than 2 GiB (" + size + " bytes)");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, start, size)
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    path + ": cannot map tensor '" + t.name() + "': " + e.getMessage(), e);
        }
    }
}
