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

    private Dequantizers() {
    }

    public static boolean supports(GgmlType type) {
        return type != null && BY_TYPE.containsKey(type);
    }

    /** Decodes {@code count} values of {@code type} from the start of {@code src}. */
    public static float[] dequantize(GgmlType type, ByteBuffer src, int count) {
        Dequantizer dq = type == null ? null : BY_TYPE.get(type);
        if (dq == null) {
            throw new IllegalArgumentException("no dequantiser for " + type);
        }
        if (count % type.blockSize() != 0) {
            throw new IllegalArgumentException(count + " values is not a whole number of " + type + " blocks");
        }
        float[] dst = new float[count];
        dq.dequantize(src.duplicate().order(ByteOrder.LITTLE_ENDIAN), dst);
        return dst;
    }
}
