package dev.gemrag.model.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.testing.GgufTestWriter;
import dev.gemrag.model.testing.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The token-embedding rows a compiled call gathers from a GGUF file ({@link
 * WeightTensor#gatherRows}, {@link GgufWeightSource#writeRow}) are bitwise the rows of the whole
 * FP32 table the loader decodes, and both equal an independent reference: blocks built in this test
 * from scales and codes chosen exactly representable in FP16, decoded by the ggml formulas here
 * (Q4_1: {@code x = d * q + m}; Q8_0: {@code x = d * q}).
 */
class GgufWeightSourceTest {
    private static final int ROWS = 7;
    private static final int COLS = 64; // two blocks of 32 per row

    @TempDir Path dir;

    enum Quant {
        Q4_1(GgmlType.Q4_1),
        Q8_0(GgmlType.Q8_0);

        final GgmlType type;

        Quant(GgmlType type) {
            this.type = type;
        }
    }

    @ParameterizedTest
    @EnumSource(Quant.class)
    void gatheredRowsAreTheTableRowsBitwise(Quant quant) throws Exception {
        Random rnd = new Random(31 + quant.ordinal());
        float[] expected = new float[ROWS * COLS];
        ByteBuffer raw =
                ByteBuffer.allocate(ROWS * COLS / 32 * quant.type.typeSize())
                        .order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < ROWS * COLS / 32; b++) {
            float d = (1 + rnd.nextInt(16)) / 64f; // exact in FP16
            float m = -rnd.nextInt(32) / 8f;
            raw.putShort(HalfFloats.fromFloat(d));
            if (quant == Quant.Q4_1) {
                raw.putShort(HalfFloats.fromFloat(m));
                for (int j = 0; j < 16; j++) {
                    int lo = rnd.nextInt(16);
                    int hi = rnd.nextInt(16);
                    raw.put((byte) (lo | hi << 4));
                    expected[b * 32 + j] = d * lo + m;
                    expected[b * 32 + j + 16] = d * hi + m;
                }
            } else {
                for (int j = 0; j < 32; j++) {
                    int q = rnd.nextInt(256) - 128;
                    raw.put((byte) q);
                    expected[b * 32 + j] = d * q;
                }
            }
        }
        Path f =
                new GgufTestWriter()
                        .putString("general.architecture", "llama")
                        // another tensor first, so the embedding does not start at offset 0
                        .addF32("output_norm.weight", new long[] {COLS}, new float[COLS])
                        .addTensor(
                                "token_embd.weight",
                                new long[] {COLS, ROWS},
                                quant.type.id(),
                                raw.array())
                        .write(dir.resolve(quant + ".gguf"));
        WeightTensor embd = GgufCheckpointLoader.readWeights(GgufReader.read(f)).get("token_embd");
        assertThat(embd.isLazy()).isTrue();
        assertThat(embd.data()).as("the whole FP32 table").containsExactly(expected);

        long[] ids = {6, 0, 3, 3, 1, 5};
        ByteBuffer out =
                ByteBuffer.allocateDirect(ids.length * COLS * Float.BYTES)
                        .order(ByteOrder.nativeOrder());
        embd.gatherRows(ids, out);
        float[] gathered = new float[ids.length * COLS];
        out.asFloatBuffer().get(gathered);
        float[] rows = new float[ids.length * COLS];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(expected, (int) ids[i] * COLS, rows, i * COLS, COLS);
        }
        assertThat(gathered).containsExactly(rows);

        assertThatThrownBy(() -> embd.gatherRows(new long[] {ROWS}, out.slice(0, COLS * 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row " + ROWS + " outside [0, " + ROWS + ")");
    }
}
