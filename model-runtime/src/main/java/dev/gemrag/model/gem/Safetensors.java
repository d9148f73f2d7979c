package dev.gemrag.model.gem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.model.WeightTensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal safetensors codec: {@code u64 LE header length, JSON header, raw little-endian data}.
 * Writes F32; reads F32, F16 and BF16 (converted to F32 in Java: DJL must never see BF16).
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private Safetensors() {
    }

    public static void write(Path file, Map<String, WeightTensor> tensors, Map<String, String> metadata)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        Map<String, WeightTensor> sorted = new TreeMap<>(tensors);
        long offset = 0;
        for (Map.Entry<String, WeightTensor> e : sorted.entrySet()) {
            WeightTensor t = e.getValue();
            ObjectNode node = header.putObject(e.getKey());
            node.put("dtype", "F32");
            var shape = node.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long end = offset + 4L * t.data().length;
            node.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        // Pad the header with spaces to an 8-byte boundary, as the reference implementation does.
        int padded = (headerBytes.length + 7) / 8 * 8;
        byte[] h = new byte[padded];
        System.arraycopy(headerBytes, 0, h, 0, headerBytes.length);
        for (int i = headerBytes.length; i < padded; i++) {
            h[i] = ' ';
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(h);
            for (WeightTensor t : sorted.values()) {
                ByteBuffer buf = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(t.data());
                out.write(buf.array());
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** All tensors of a file, in file order, as FP32. */
    public static Map<String, WeightTensor> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 8) {
            throw new IOException(file + ": not a safetensors file (shorter than its header length)");
        }
        ByteBuffer all = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = all.getLong(0);
        if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > bytes.length) {
            throw new IOException(file + ": not a safetensors file (header length " + headerLen + ")");
        }
        JsonNode header = JSON.readTree(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8));
        int dataStart = 8 + (int) headerLen;
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("__metadata__")) {
                entries.add(e);
            }
        }
        entries.sort((a, b) -> Long.compare(a.getValue().get("data_offsets").get(0).asLong(),
                b.getValue().get("data_offsets").get(0).asLong()));
        Map<String, WeightTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : entries) {
            String name = e.getKey();
            JsonNode node = e.getValue();
            String dtype = node.path("dtype").asText();
            JsonNode shapeNode = node.path("shape");
            long[] shape = new long[shapeNode.size()];
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong();
                n *= shape[i];
            }
            long begin = node.get("data_offsets").get(0).asLong();
            long end = node.get("data_offsets").get(1).asLong();
            int width = switch (dtype) {
                case "F32" -> 4;
                case "F16", "BF16" -> 2;
                default -> throw new IOException(file + ": tensor '" + name + "' has dtype " + dtype
                        + "; only F32, F16 and BF16 are supported");
            };
            if (end - begin != n * width || dataStart + end > bytes.length) {
                throw new IOException(file + ": tensor '" + name + "' offsets [" + begin + ", " + end
                        + ") do not fit shape " + shapeNode + " " + dtype);
            }
            float[] data = new float[(int) n];
            int pos = dataStart + (int) begin;
            for (int i = 0; i < n; i++) {
                data[i] = switch (dtype) {
                    case "F32" -> all.getFloat(pos + 4 * i);
                    case "F16" -> halfToFloat(all.getShort(pos + 2 * i));
                    default -> Float.intBitsToFloat((all.getShort(pos + 2 * i) & 0xffff) << 16);
                };
            }
            out.put(name, new WeightTensor(name, shape, data));
        }
        return out;
    }

    /** IEEE 754 half to float (Float.float16ToFloat only arrives in Java 20). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
