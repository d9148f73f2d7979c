package dev.gemrag.model.hf;

import dev.gemrag.model.gguf.dequant.Half;
import java.nio.ByteBuffer;

/** F32, F16 and BF16 safetensors data to FP32 (BF16 is widened here because DJL cannot hold it). */
public final class SafetensorsDecoder {
    private SafetensorsDecoder() {}

    public static float[] toFloats(SafetensorsTensor t) {
        int width =
                switch (t.dtype()) {
                    case "F32" -> 4;
                    case "F16", "BF16" -> 2;
                    default ->
                            throw new HfFormatException(
                                    t.file().path()
                                            + ": tensor '"
                                            + t.name()
                                            + "' has unsupported dtype "
                                            + t.dtype()
                                            + " (supported: F32, F16, BF16)");
                };
        long count = t.count();
        if (count * width != t.end() - t.begin()) {
            throw new HfFormatException(
                    t.file().path()
                            + ": tensor '"
                            + t.name()
                            + "' has "
                            + (t.end() - t.begin())
                            + " bytes for "
                            + count
                            + " "
                            + t.dtype()
                            + " values");
        }
        if (count > Integer.MAX_VALUE) {
            throw new HfFormatException(
                    t.file().path() + ": tensor '" + t.name() + "' is too large for one array");
        }
        ByteBuffer b = t.file().map(t);
        float[] out = new float[(int) count];
        switch (t.dtype()) {
            case "F32" -> b.asFloatBuffer().get(out);
            case "F16" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Half.toFloat(b.getShort(2 * i));
                }
            }
            default -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Half.bf16ToFloat(b.getShort(2 * i));
                }
            }
        }
        return out;
    }
}
