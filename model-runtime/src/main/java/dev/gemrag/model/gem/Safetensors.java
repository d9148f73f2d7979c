package dev.gemrag.model.gem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.hf.HfFormatException;
import dev.gemrag.model.hf.SafetensorsDecoder;
import dev.gemrag.model.hf.SafetensorsFile;
import dev.gemrag.model.hf.SafetensorsTensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adapter and trainer-state tensors as safetensors files: {@code u64 LE header length, JSON header,
 * raw little-endian data}. Writes F32; reads F32, F16 and BF16 (converted to F32 in Java: DJL must
 * never see BF16) through the same codec the Hugging Face loader uses.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {}

    public static void write(
            Path file, Map<String, WeightTensor> tensors, Map<String, String> metadata)
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
                ByteBuffer buf =
                        ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(t.data());
                out.write(buf.array());
            }
        }
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * All tensors of a file, in file order, as FP32. Reading is the Hugging Face loader's codec
     * ({@link SafetensorsFile}, {@link SafetensorsDecoder}): one parser and one half-float
     * conversion for base checkpoints and adapters alike.
     */
    public static Map<String, WeightTensor> read(Path file) throws IOException {
        try {
            List<SafetensorsTensor> entries =
                    new ArrayList<>(SafetensorsFile.open(file).tensors().values());
            entries.sort(Comparator.comparingLong(SafetensorsTensor::begin));
            Map<String, WeightTensor> out = new LinkedHashMap<>();
            for (SafetensorsTensor t : entries) {
                out.put(
                        t.name(),
                        new WeightTensor(t.name(), t.shape(), SafetensorsDecoder.toFloats(t)));
            }
            return out;
        } catch (HfFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
