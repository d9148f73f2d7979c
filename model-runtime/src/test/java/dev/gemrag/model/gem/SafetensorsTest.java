package dev.gemrag.model.gem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.gemrag.model.WeightTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir Path dir;

    @Test
    void writtenFileIsReadBackAndDecodedByDjl() throws Exception {
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        tensors.put("b", new WeightTensor("b", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        tensors.put("a", new WeightTensor("a", new long[] {1}, new float[] {-0.5f}));
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, tensors, Map.of("format", "x"));

        Map<String, WeightTensor> back = Safetensors.read(file);
        assertThat(back.get("b").shape()).containsExactly(2, 3);
        assertThat(back.get("b").data()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(back.get("a").data()).containsExactly(-0.5f);

        // Independent reader: DJL's safetensors decoder.
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDList list = NDList.decode(m, Files.readAllBytes(file));
            NDArray b =
                    list.stream().filter(x -> "b".equals(x.getName())).findFirst().orElseThrow();
            assertThat(b.getShape().getShape()).containsExactly(2, 3);
            assertThat(b.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
        }
    }

    @Test
    void readsHandWrittenF16AndBf16() throws Exception {
        String header =
                "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                        + "\"g\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 6).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        buf.putShort((short) 0x3c00); // 1.0 in half
        buf.putShort((short) 0xc100); // -2.5 in half
        buf.putShort((short) 0x4049); // 3.140625 in bfloat16
        Path file = dir.resolve("h.safetensors");
        Files.write(file, buf.array());
        Map<String, WeightTensor> t = Safetensors.read(file);
        assertThat(t.get("h").data()).containsExactly(1.0f, -2.5f);
        assertThat(t.get("g").data()).containsExactly(3.140625f);
    }

    @Test
    void rejectsUnsupportedDtypeWithItsName() throws Exception {
        String header = "{\"x\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h).putLong(7);
        Path file = dir.resolve("i.safetensors");
        Files.write(file, buf.array());
        assertThatThrownBy(() -> Safetensors.read(file))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("'x' has unsupported dtype I64");
    }
}
