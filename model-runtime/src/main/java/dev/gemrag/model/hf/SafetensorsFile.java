package dev.gemrag.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A .safetensors file: {@code uint64 header_size (LE)}, a JSON header mapping each tensor name to
 * {@code {dtype, shape, data_offsets: [begin, end]}} (plus optional {@code __metadata__}), then the
 * data section. Tensor bytes are memory-mapped on demand.
 */
public final class SafetensorsFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The format caps the header at 100 MB; anything larger is not a safetensors file. */
    private static final long MAX_HEADER = 100_000_000L;

    private final Path path;
    private final long dataStart;
    private final long fileSize;
    private final Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();

    private SafetensorsFile(Path path, long dataStart, long fileSize) {
        this.path = path;
        this.dataStart = dataStart;
        this.fileSize = fileSize;
    }

    public static SafetensorsFile open(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new HfFormatException(
                        path + ": not a safetensors file (only " + size + " bytes)");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            long headerSize = len.getLong(0);
            if (headerSize <= 0 || headerSize > MAX_HEADER) {
                throw new HfFormatException(
                        path + ": not a safetensors file (header size " + headerSize + ")");
            }
            if (8 + headerSize > size) {
                throw new HfFormatException(
                        path
                                + ": file is truncated: the header needs "
                                + (8 + headerSize)
                                + " bytes but the file has "
                                + size);
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerSize);
            while (header.hasRemaining() && ch.read(header, 8 + header.position()) > 0) {
                // read fully
            }
            JsonNode root;
            try {
                root = JSON.readTree(header.array());
            } catch (IOException e) {
                throw new HfFormatException(path + ": not a safetensors file (header is not JSON)");
            }
            if (root == null || !root.isObject()) {
                throw new HfFormatException(
                        path + ": not a safetensors file (header is not a JSON object)");
            }
            SafetensorsFile file = new SafetensorsFile(path, 8 + headerSize, size);
            file.readEntries(root);
            return file;
        } catch (NoSuchFileException e) {
            throw new HfFormatException(path + ": file not found");
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    private void readEntries(JsonNode root) {
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if ("__metadata__".equals(e.getKey())) {
                continue;
            }
            JsonNode t = e.getValue();
            JsonNode offsets = t.path("data_offsets");
            if (!t.path("dtype").isTextual() || !t.path("shape").isArray() || offsets.size() != 2) {
                throw new HfFormatException(
                        path + ": tensor '" + e.getKey() + "' has a malformed header entry");
            }
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asLong();
            }
            long begin = offsets.get(0).asLong();
            long end = offsets.get(1).asLong();
            if (begin < 0 || end < begin) {
                throw new HfFormatException(
                        path
                                + ": tensor '"
                                + e.getKey()
                                + "' has bad data_offsets ["
                                + begin
                                + ", "
                                + end
                                + "]");
            }
            if (dataStart + end > fileSize) {
                throw new HfFormatException(
                        path
                                + ": file is truncated: tensor '"
                                + e.getKey()
                                + "' ends at byte "
                                + (dataStart + end)
                                + " but the file has "
                                + fileSize);
            }
            tensors.put(
                    e.getKey(),
                    new SafetensorsTensor(
                            this, e.getKey(), t.get("dtype").asText(), shape, begin, end));
        }
    }

    public Path path() {
        return path;
    }

    public Map<String, SafetensorsTensor> tensors() {
        return tensors;
    }

    /** Memory-maps a tensor's bytes, little-endian, read-only. */
    ByteBuffer map(SafetensorsTensor t) {
        long size = t.end() - t.begin();
        if (size > Integer.MAX_VALUE) {
            throw new HfFormatException(path + ": tensor '" + t.name() + "' is larger than 2 GiB");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin(), size)
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    path + ": cannot map tensor '" + t.name() + "': " + e.getMessage(), e);
        }
    }
}
