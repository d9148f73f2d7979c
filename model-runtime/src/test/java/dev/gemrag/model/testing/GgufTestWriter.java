package dev.gemrag.model.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes GGUF files for tests, written from the GGUF specification independently of the reader: any
 * metadata (all value types, arrays), tensors of any type id with raw bytes, and deliberately
 * broken files (bad magic, other version, truncation, misalignment).
 *
 * <pre>{@code
 * new GgufTestWriter().putString("general.architecture", "llama")
 *     .addF32("token_embd.weight", new long[] {vocab, hidden}, data)
 *     .write(path);
 * }</pre>
 *
 * For a whole random Llama see {@link TinyLlama} and {@link #writeLlama}.
 */
public final class GgufTestWriter {
    // gguf_metadata_value_type ids
    public static final int UINT8 = 0,
            INT8 = 1,
            UINT16 = 2,
            INT16 = 3,
            UINT32 = 4,
            INT32 = 5,
            FLOAT32 = 6,
            BOOL = 7,
            STRING = 8,
            ARRAY = 9,
            UINT64 = 10,
            INT64 = 11,
            FLOAT64 = 12;
    // ggml_type ids
    public static final int GGML_F32 = 0, GGML_F16 = 1;

    private record Kv(String key, int type, Object value) {}

    private record Tensor(String name, long[] ne, int type, byte[] data) {}

    private final List<Kv> metadata = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private int magic = 0x46554747;
    private int version = 3;
    private int alignment = 32;
    private long truncateTo = -1;
    private boolean misalign;

    public GgufTestWriter put(String key, int type, Object value) {
        metadata.add(new Kv(key, type, value));
        return this;
    }

    public GgufTestWriter putString(String key, String value) {
        return put(key, STRING, value);
    }

    public GgufTestWriter putU32(String key, long value) {
        return put(key, UINT32, value);
    }

    public GgufTestWriter putF32(String key, float value) {
        return put(key, FLOAT32, value);
    }

    public GgufTestWriter putBool(String key, boolean value) {
        return put(key, BOOL, value);
    }

    /** An array of one element type; values as for {@link #put}. */
    public GgufTestWriter putArray(String key, int elementType, List<?> values) {
        return put(key, ARRAY, new Object[] {elementType, values});
    }

    /** Sets general.alignment (written as UINT32) and pads the data section to it. */
    public GgufTestWriter alignment(int alignment) {
        this.alignment = alignment;
        return putU32("general.alignment", alignment);
    }

    public GgufTestWriter magic(int magic) {
        this.magic = magic;
        return this;
    }

    public GgufTestWriter version(int version) {
        this.version = version;
        return this;
    }

    /** Cuts the written file to this many bytes. */
    public GgufTestWriter truncateTo(long bytes) {
        this.truncateTo = bytes;
        return this;
    }

    /** Writes the first tensor's offset one byte off the alignment. */
    public GgufTestWriter misalignFirstTensor() {
        this.misalign = true;
        return this;
    }

    /** A tensor with GGUF dims {@code ne} (innermost first) and raw data bytes. */
    public GgufTestWriter addTensor(String name, long[] ne, int ggmlType, byte[] data) {
        tensors.add(new Tensor(name, ne, ggmlType, data));
        return this;
    }

    /** An F32 tensor given in PyTorch shape order ({out, in}); written with ne reversed. */
    public GgufTestWriter addF32(String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return addTensor(name, reversed(shape), GGML_F32, b.array());
    }

    /** An F16 tensor given in PyTorch shape order; values are rounded to half precision. */
    public GgufTestWriter addF16(String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(HalfFloats.fromFloat(v));
        }
        return addTensor(name, reversed(shape), GGML_F16, b.array());
    }

    public Path write(Path path) throws IOException {
        Out out = new Out();
        out.u32(magic); // uint32_t magic
        out.u32(version); // uint32_t version
        out.u64(tensors.size()); // uint64_t tensor_count
        out.u64(metadata.size()); // uint64_t metadata_kv_count
        for (Kv kv : metadata) { // gguf_metadata_kv_t metadata_kv[]
            out.string(kv.key());
            out.u32(kv.type());
            out.value(kv.type(), kv.value());
        }
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (Tensor t : tensors) { // gguf_tensor_info_t tensor_infos[]
            out.string(t.name());
            out.u32(t.ne().length);
            for (long d : t.ne()) {
                out.u64(d);
            }
            out.u32(t.type());
            long written = misalign && offsets.isEmpty() ? offset + 1 : offset;
            out.u64(written);
            offsets.add(offset);
            offset = align(offset + t.data().length);
        }
        out.pad(alignment); // uint8_t _padding[]
        for (Tensor t : tensors) { // uint8_t tensor_data[]
            out.bytes.write(t.data(), 0, t.data().length);
            out.pad(alignment);
        }
        byte[] all = out.bytes.toByteArray();
        if (truncateTo >= 0) {
            all = Arrays.copyOf(all, (int) truncateTo);
        }
        Files.write(path, all);
        return path;
    }

    /** Writes a {@link TinyLlama} as llama.cpp would: Q/K rows permuted for interleaved RoPE. */
    public static Path writeLlama(TinyLlama model, Path path, boolean f16) throws IOException {
        return TinyLlamaGguf.write(model, path, f16);
    }

    private long align(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    static long[] reversed(long[] shape) {
        long[] r = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            r[i] = shape[shape.length - 1 - i];
        }
        return r;
    }

    private static final class Out {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        void u32(long v) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v);
            bytes.write(b.array(), 0, 4);
        }

        void u64(long v) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
            bytes.write(b.array(), 0, 8);
        }

        void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            u64(utf8.length);
            bytes.write(utf8, 0, utf8.length);
        }

        void pad(int alignment) {
            while (bytes.size() % alignment != 0) {
                bytes.write(0);
            }
        }

        void value(int type, Object v) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            switch (type) {
                case UINT8, INT8 -> bytes.write(((Number) v).intValue());
                case UINT16, INT16 -> {
                    b.putShort(((Number) v).shortValue());
                    bytes.write(b.array(), 0, 2);
                }
                case UINT32, INT32 -> u32(((Number) v).longValue());
                case FLOAT32 -> {
                    b.putFloat(((Number) v).floatValue());
                    bytes.write(b.array(), 0, 4);
                }
                case BOOL -> bytes.write((Boolean) v ? 1 : 0);
                case STRING -> string((String) v);
                case UINT64, INT64 -> u64(((Number) v).longValue());
                case FLOAT64 -> {
                    b.putDouble(((Number) v).doubleValue());
                    bytes.write(b.array(), 0, 8);
                }
                case ARRAY -> {
                    Object[] arr = (Object[]) v;
                    int elementType = (Integer) arr[0];
                    List<?> values = (List<?>) arr[1];
                    u32(elementType);
                    u64(values.size());
                    for (Object e : values) {
                        value(elementType, e);
                    }
                }
                default -> throw new IllegalArgumentException("value type " + type);
            }
        }
    }
}
