package dev.gemrag.model.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the header of a GGUF file (versions 2 and 3, little-endian), following the layout of the
 * GGUF specification (ggml/docs/gguf.md). Tensor data is not read here; see {@link GgufFile#map}.
 */
public final class GgufReader {
    /** "GGUF" read as a little-endian uint32. */
    static final int MAGIC = 0x46554747;

    static final int DEFAULT_ALIGNMENT = 32;

    private final Path path;
    private ByteBuffer buf;

    private GgufReader(Path path) {
        this.path = path;
    }

    public static GgufFile read(Path path) {
        return new GgufReader(path).parse();
    }

    private GgufFile parse() {
        long fileSize;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            fileSize = ch.size();
            // The header length is unknown up front; mapping is lazy, so map as much as a buffer
            // can hold.
            buf =
                    ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(fileSize, Integer.MAX_VALUE))
                            .order(ByteOrder.LITTLE_ENDIAN);
        } catch (NoSuchFileException e) {
            throw new GgufFormatException(path + ": GGUF file not found");
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read GGUF file: " + e.getMessage(), e);
        }
        try {
            return parseHeader(fileSize);
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new GgufFormatException(
                    path
                            + ": file is truncated: the GGUF header ends after "
                            + fileSize
                            + " bytes");
        }
    }

    private GgufFile parseHeader(long fileSize) {
        if (fileSize < 4) {
            throw new GgufFormatException(path + ": not a GGUF file (only " + fileSize + " bytes)");
        }
        // uint32_t magic;
        int magic = buf.getInt();
        if (magic != MAGIC) {
            throw new GgufFormatException(
                    path + ": not a GGUF file (bad magic 0x" + Integer.toHexString(magic) + ")");
        }
        // uint32_t version;
        int version = buf.getInt();
        if (version != 2 && version != 3) {
            throw new GgufFormatException(
                    path
                            + ": unsupported GGUF version "
                            + version
                            + (Integer.reverseBytes(version) == 3
                                            || Integer.reverseBytes(version) == 2
                                    ? " (big-endian file)"
                                    : "")
                            + "; versions 2 and 3 are supported");
        }
        // uint64_t tensor_count;
        long tensorCount = buf.getLong();
        // uint64_t metadata_kv_count;
        long kvCount = buf.getLong();
        if (tensorCount < 0 || kvCount < 0 || tensorCount > fileSize || kvCount > fileSize) {
            throw new GgufFormatException(
                    path
                            + ": corrupt GGUF header (tensor_count "
                            + tensorCount
                            + ", metadata_kv_count "
                            + kvCount
                            + ")");
        }
        // gguf_metadata_kv_t metadata_kv[metadata_kv_count];
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            // gguf_string_t key;
            String key = readString();
            // gguf_metadata_value_type value_type;
            GgufValueType type =
                    GgufValueType.of(buf.getInt(), path + ": metadata key '" + key + "'");
            // gguf_metadata_value_t value;
            metadata.put(key, readValue(type, key));
        }
        int alignment = DEFAULT_ALIGNMENT;
        if (metadata.get("general.alignment") instanceof Number n) {
            alignment = n.intValue();
            if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
                throw new GgufFormatException(
                        path + ": general.alignment " + alignment + " is not a power of two");
            }
        }
        // gguf_tensor_info_t tensor_infos[tensor_count];
        Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            // gguf_string_t name;
            String name = readString();
            // uint32_t n_dimensions;
            int nDims = buf.getInt();
            if (nDims < 1 || nDims > 4) {
                throw new GgufFormatException(
                        path
                                + ": tensor '"
                                + name
                                + "' has "
                                + nDims
                                + " dimensions (1..4 allowed)");
            }
            // uint64_t dimensions[n_dimensions];
            long[] dims = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                dims[d] = buf.getLong();
                if (dims[d] < 0) {
                    throw new GgufFormatException(
                            path + ": tensor '" + name + "' has a negative dimension");
                }
            }
            // ggml_type type;
            int typeId = buf.getInt();
            // uint64_t offset;  (relative to the data section, a multiple of the alignment)
            long offset = buf.getLong();
            if (offset % alignment != 0) {
                throw new GgufFormatException(
                        path
                                + ": tensor '"
                                + name
                                + "' offset "
                                + offset
                                + " is not aligned to "
                                + alignment);
            }
            tensors.put(name, new GgufTensorInfo(name, dims, typeId, offset));
        }
        // uint8_t _padding[];  the data section starts at the next multiple of the alignment
        long headerEnd = buf.position();
        long dataOffset = (headerEnd + alignment - 1) / alignment * alignment;
        if (tensorCount > 0 && dataOffset > fileSize) {
            throw new GgufFormatException(
                    path + ": file is truncated: no tensor data after the header");
        }
        return new GgufFile(
                path,
                version,
                new GgufMetadata(path, metadata),
                tensors,
                alignment,
                dataOffset,
                fileSize);
    }

    private Object readValue(GgufValueType type, String key) {
        return switch (type) {
            case UINT8 -> Byte.toUnsignedInt(buf.get());
            case INT8 -> (int) buf.get();
            case UINT16 -> Short.toUnsignedInt(buf.getShort());
            case INT16 -> (int) buf.getShort();
            case UINT32 -> Integer.toUnsignedLong(buf.getInt());
            case INT32 -> buf.getInt();
            case FLOAT32 -> buf.getFloat();
            case BOOL -> readBool(key);
            case STRING -> readString();
            case UINT64, INT64 -> buf.getLong();
            case FLOAT64 -> buf.getDouble();
            case ARRAY -> readArray(key);
        };
    }

    private boolean readBool(String key) {
        byte b = buf.get();
        if (b != 0 && b != 1) {
            throw new GgufFormatException(
                    path + ": metadata key '" + key + "' has invalid bool byte " + b);
        }
        return b == 1;
    }

    private List<Object> readArray(String key) {
        // gguf_metadata_value_type type;
        GgufValueType elementType =
                GgufValueType.of(buf.getInt(), path + ": metadata array '" + key + "'");
        // uint64_t len;
        long len = buf.getLong();
        if (len < 0 || len > buf.remaining()) {
            throw new GgufFormatException(
                    path
                            + ": file is truncated or corrupt: metadata array '"
                            + key
                            + "' claims "
                            + len
                            + " elements");
        }
        // gguf_metadata_value_t array[len];
        List<Object> list = new ArrayList<>((int) len);
        for (long i = 0; i < len; i++) {
            list.add(readValue(elementType, key));
        }
        return list;
    }

    private String readString() {
        // uint64_t len; char string[len];  (UTF-8, not NUL-terminated)
        long len = buf.getLong();
        if (len < 0 || len > buf.remaining()) {
            throw new GgufFormatException(
                    path
                            + ": file is truncated or corrupt: string of length "
                            + len
                            + " at offset "
                            + (buf.position() - 8));
        }
        byte[] bytes = new byte[(int) len];
        buf.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
