package dev.gemrag.model.gguf.dequant;

import dev.gemrag.model.gguf.GgmlType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.Map;

/** The dequantiser for each supported ggml type. */
public final class Dequantizers {
    private static final Map<GgmlType, Dequantizer> BY_TYPE = new EnumMap<>(GgmlType.class);

    static {
        BY_TYPE.put(GgmlType.F32, new F32Dequantizer());
        BY_TYPE.put(GgmlType.F16, new F16Dequantizer());
        BY_TYPE.put(GgmlType.BF16, new Bf16Dequantizer());
        BY_TYPE.put(GgmlType.Q8_0, new Q8_0Dequantizer());
        BY_TYPE.put(GgmlType.Q4_0, new Q4_0Dequantizer());
        BY_TYPE.put(GgmlType.Q4_1, new Q4_1Dequantizer());
        BY_TYPE.put(GgmlType.Q5_0, new Q5_0Dequantizer());
        BY_TYPE.put(GgmlType.Q5_1, new Q5_1Dequantizer());
        BY_TYPE.put(GgmlType.Q5_K, new Q5_KDequantizer());
        BY_TYPE.put(GgmlType.Q4_K, new Q4_KDequantizer());
        BY_TYPE.put(GgmlType.Q6_K, new Q6_KDequantizer());
    }

    private Dequantizers() {}

    public static boolean supports(GgmlType type) {
        return type != null && BY_TYPE.containsKey(type);
    }

    /**
     * Values decoded per step by {@link #dequantizeDirect}: a multiple of every block size, 256 KB
     * of heap.
     */
    static final int CHUNK = 65536;

    /**
     * One chunk per thread, reused: a model load decodes ~200 weights, and a fresh chunk per weight
     * was ~80 MB of young garbage that raised the load's peak resident memory.
     */
    private static final ThreadLocal<float[]> SCRATCH =
            ThreadLocal.withInitial(() -> new float[CHUNK]);

    /**
     * Decodes {@code count} values into a new direct native-order buffer, a chunk of blocks at a
     * time, so the heap holds one small chunk instead of the whole tensor.
     */
    public static ByteBuffer dequantizeDirect(GgmlType type, ByteBuffer src, int count) {
        checked(type, count);
        ByteBuffer out =
                ByteBuffer.allocateDirect(Math.multiplyExact(count, Float.BYTES))
                        .order(ByteOrder.nativeOrder());
        dequantizeInto(type, src, count, out);
        return out;
    }

    /**
     * Decodes {@code count} values into {@code out} (native order, from position 0, at least {@code
     * count} floats), a chunk of blocks at a time: e.g. straight into memory the tensor library
     * owns.
     */
    public static void dequantizeInto(GgmlType type, ByteBuffer src, int count, ByteBuffer out) {
        Dequantizer dq = checked(type, count);
        java.nio.FloatBuffer target =
                out.duplicate().order(ByteOrder.nativeOrder()).rewind().asFloatBuffer();
        float[] chunk = SCRATCH.get();
        for (int done = 0; done < count; done += CHUNK) {
            int n = Math.min(CHUNK, count - done);
            dq.dequantize(fromValue(type, src, done), chunk, n);
            target.put(chunk, 0, n);
        }
    }

    /**
     * Decodes values [first, first + count) of a tensor whose bytes start at {@code src}'s position
     * into {@code out} (native order, from position 0): one row of a matrix, with the same code,
     * hence the same values, as {@link #dequantizeInto} of the whole tensor. first must be a whole
     * number of blocks (a GGUF row always is).
     */
    public static void dequantizeRange(
            GgmlType type, ByteBuffer src, long first, int count, ByteBuffer out) {
        checked(type, count);
        if (first < 0 || first % type.blockSize() != 0) {
            throw new IllegalArgumentException(
                    "value " + first + " is not the start of a " + type + " block");
        }
        dequantizeInto(type, fromValue(type, src, first), count, out);
    }

    /**
     * The tensor's bytes from value {@code first} (a block start) on, as a little-endian slice of
     * {@code src}, whose position is the tensor's first byte.
     */
    private static ByteBuffer fromValue(GgmlType type, ByteBuffer src, long first) {
        long fromByte = first / type.blockSize() * type.typeSize();
        return src.duplicate()
                .position(src.position() + Math.toIntExact(fromByte))
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The type's dequantiser, refusing an unknown type or a count that is not whole blocks. */
    private static Dequantizer checked(GgmlType type, int count) {
        Dequantizer dq = type == null ? null : BY_TYPE.get(type);
        if (dq == null) {
            throw new IllegalArgumentException("no dequantiser for " + type);
        }
        if (count % type.blockSize() != 0) {
            throw new IllegalArgumentException(
                    count + " values is not a whole number of " + type + " blocks");
        }
        return dq;
    }

    /** Decodes {@code count} values of {@code type} from the start of {@code src}. */
    public static float[] dequantize(GgmlType type, ByteBuffer src, int count) {
        Dequantizer dq = checked(type, count);
        float[] dst = new float[count];
        dq.dequantize(src.duplicate().order(ByteOrder.LITTLE_ENDIAN), dst, count);
        return dst;
    }
}
