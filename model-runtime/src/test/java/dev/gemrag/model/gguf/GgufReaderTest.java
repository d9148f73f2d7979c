package dev.gemrag.model.gguf;

import static dev.gemrag.model.testing.GgufTestWriter.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.model.testing.GgufTestWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufReaderTest {
    @TempDir Path dir;

    @Test
    void readsEveryMetadataValueType() throws Exception {
        Path f =
                new GgufTestWriter()
                        .put("u8", UINT8, 200)
                        .put("i8", INT8, -5)
                        .put("u16", UINT16, 60000)
                        .put("i16", INT16, -30000)
                        .put("u32", UINT32, 4_000_000_000L)
                        .put("i32", INT32, -7)
                        .put("f32", FLOAT32, 1.5f)
                        .put("bool", BOOL, true)
                        .put("str", STRING, "héllo")
                        .put("u64", UINT64, 1L << 40)
                        .put("i64", INT64, -(1L << 40))
                        .put("f64", FLOAT64, 2.25)
                        .putArray("ints", INT32, List.of(1, -2, 3))
                        .putArray("strs", STRING, List.of("a", "", "ü"))
                        .putArray("empty", FLOAT32, List.of())
                        .putArray(
                                "nested",
                                ARRAY,
                                List.of(
                                        new Object[] {UINT8, List.of(1, 2)},
                                        new Object[] {UINT8, List.of(3)}))
                        .write(dir.resolve("kv.gguf"));
        GgufFile file = GgufReader.read(f);
        GgufMetadata md = file.metadata();
        assertThat(file.version()).isEqualTo(3);
        assertThat(file.tensors()).isEmpty();
        assertThat(md.integer("u8")).isEqualTo(200);
        assertThat(md.integer("i8")).isEqualTo(-5);
        assertThat(md.integer("u16")).isEqualTo(60000);
        assertThat(md.integer("i16")).isEqualTo(-30000);
        assertThat(md.get("u32")).isEqualTo(4_000_000_000L);
        assertThat(md.integer("i32")).isEqualTo(-7);
        assertThat(md.real("f32")).isEqualTo(1.5f);
        assertThat(md.bool("bool", false)).isTrue();
        assertThat(md.string("str")).isEqualTo("héllo");
        assertThat(md.get("u64")).isEqualTo(1L << 40);
        assertThat(md.get("i64")).isEqualTo(-(1L << 40));
        assertThat(md.get("f64")).isEqualTo(2.25);
        assertThat(md.ints("ints")).containsExactly(1, -2, 3);
        assertThat(md.strings("strs")).containsExactly("a", "", "ü");
        assertThat(md.reals("empty")).isEmpty();
        assertThat(md.get("nested")).isEqualTo(List.of(List.of(1, 2), List.of(3)));
        assertThat(md.asMap().keySet()).first().isEqualTo("u8");
    }

    @Test
    void typedGettersNameFileAndKey() throws Exception {
        Path f = new GgufTestWriter().putString("s", "x").write(dir.resolve("t.gguf"));
        GgufMetadata md = GgufReader.read(f).metadata();
        assertThatThrownBy(() -> md.integer("s"))
                .hasMessageContaining("t.gguf")
                .hasMessageContaining("'s'");
        assertThatThrownBy(() -> md.string("absent"))
                .hasMessageContaining("t.gguf")
                .hasMessageContaining("'absent' is missing");
        assertThat(md.integer("absent", 4)).isEqualTo(4);
        assertThatThrownBy(() -> md.integer("u64big")).hasMessageContaining("missing");
    }

    @Test
    void tensorInfosAlignmentAndDataOffset() throws Exception {
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] b = {7, 8};
        Path f =
                new GgufTestWriter()
                        .version(2)
                        .alignment(64)
                        .addF32("a", new long[] {2, 3}, a)
                        .addF32("b", new long[] {2}, b)
                        .write(dir.resolve("t.gguf"));
        GgufFile file = GgufReader.read(f);
        assertThat(file.version()).isEqualTo(2);
        assertThat(file.alignment()).isEqualTo(64);
        assertThat(file.dataOffset() % 64).isZero();
        GgufTensorInfo ta = file.tensor("a");
        assertThat(ta.dims()).containsExactly(3, 2); // ne innermost first
        assertThat(ta.shape()).containsExactly(2, 3);
        assertThat(ta.type()).isEqualTo(GgmlType.F32);
        assertThat(ta.offset()).isZero();
        assertThat(file.tensor("b").offset()).isEqualTo(64); // 24 bytes padded to the 64 alignment
        assertThat(file.map(file.tensor("b")).getFloat(4)).isEqualTo(8f);
        assertThat(file.dataOffset() + 64 + 8).isLessThanOrEqualTo(Files.size(f));
    }

    @Test
    void defaultAlignmentIs32() throws Exception {
        Path f =
                new GgufTestWriter()
                        .addF32("a", new long[] {3}, new float[] {1, 2, 3})
                        .addF32("b", new long[] {1}, new float[] {9})
                        .write(dir.resolve("t.gguf"));
        GgufFile file = GgufReader.read(f);
        assertThat(file.alignment()).isEqualTo(32);
        assertThat(file.tensor("b").offset()).isEqualTo(32);
        assertThat(file.map(file.tensor("b")).getFloat(0)).isEqualTo(9f);
    }

    @Test
    void badMagicIsNamed() throws Exception {
        Path f = new GgufTestWriter().magic(0x12345678).write(dir.resolve("bad.gguf"));
        assertThatThrownBy(() -> GgufReader.read(f))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("bad.gguf")
                .hasMessageContaining("bad magic");
    }

    @Test
    void unsupportedVersionsAreNamed() throws Exception {
        Path v1 = new GgufTestWriter().version(1).write(dir.resolve("v1.gguf"));
        assertThatThrownBy(() -> GgufReader.read(v1))
                .hasMessageContaining("v1.gguf")
                .hasMessageContaining("unsupported GGUF version 1");
        Path be =
                new GgufTestWriter().version(Integer.reverseBytes(3)).write(dir.resolve("be.gguf"));
        assertThatThrownBy(() -> GgufReader.read(be)).hasMessageContaining("big-endian");
    }

    @Test
    void truncatedHeaderIsNamed() throws Exception {
        GgufTestWriter w =
                new GgufTestWriter()
                        .putString("general.architecture", "llama")
                        .addF32("a", new long[] {4}, new float[4]);
        Path full = w.write(dir.resolve("full.gguf"));
        Path cut = w.truncateTo(40).write(dir.resolve("cut.gguf"));
        assertThat(Files.size(cut)).isLessThan(Files.size(full));
        assertThatThrownBy(() -> GgufReader.read(cut))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("cut.gguf")
                .hasMessageContaining("truncated");
        Path tiny = new GgufTestWriter().truncateTo(2).write(dir.resolve("tiny.gguf"));
        assertThatThrownBy(() -> GgufReader.read(tiny))
                .hasMessageContaining("tiny.gguf")
                .hasMessageContaining("not a GGUF file");
    }

    @Test
    void truncatedTensorDataIsNamedWhenMapped() throws Exception {
        GgufTestWriter w = new GgufTestWriter().addF32("weights", new long[] {64}, new float[64]);
        long size = Files.size(w.write(dir.resolve("full.gguf")));
        Path cut = w.truncateTo(size - 100).write(dir.resolve("cut.gguf"));
        GgufFile file = GgufReader.read(cut);
        assertThatThrownBy(() -> file.map(file.tensor("weights")))
                .hasMessageContaining("cut.gguf")
                .hasMessageContaining("truncated")
                .hasMessageContaining("'weights'");
    }

    @Test
    void misalignedTensorOffsetIsRefused() throws Exception {
        Path f =
                new GgufTestWriter()
                        .addF32("a", new long[] {4}, new float[4])
                        .misalignFirstTensor()
                        .write(dir.resolve("m.gguf"));
        assertThatThrownBy(() -> GgufReader.read(f))
                .hasMessageContaining("m.gguf")
                .hasMessageContaining("not aligned");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> GgufReader.read(dir.resolve("nope.gguf")))
                .hasMessageContaining("nope.gguf")
                .hasMessageContaining("not found");
    }
}
