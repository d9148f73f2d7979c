package dev.gemrag.model.gguf.dequant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gemrag.model.gguf.GgmlType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Each block below is built byte by byte and its expected values worked out by hand from the ggml
 * block layout (the arithmetic is in the comments), independent of the dequantiser code.
 */
class DequantizersTest {
    // binary16 bit patterns
    private static final int H_1 = 0x3C00; // 1.0
    private static final int H_2 = 0x4000; // 2.0
    private static final int H_HALF = 0x3800; // 0.5
    private static final int H_QUARTER = 0x3400; // 0.25
    private static final int H_MINUS_1 = 0xBC00; // -1.0

    @Test
    void f16CoversNormalsSubnormalsAndSpecials() {
        float[] v =
                run(
                        GgmlType.F16,
                        bytes(
                                le16(0x3C00),
                                le16(0xC000),
                                le16(0x7BFF),
                                le16(0x0001),
                                le16(0x3555),
                                le16(0x7C00),
                                le16(0x8000),
                                le16(0x0400)));
        assertThat(v[0]).isEqualTo(1.0f);
        assertThat(v[1]).isEqualTo(-2.0f);
        assertThat(v[2]).isEqualTo(65504f); // largest half
        assertThat(v[3]).isEqualTo((float) Math.pow(2, -24)); // smallest subnormal
        assertThat(v[4]).isEqualTo(0.333251953125f); // 0x3555 = (1 + 341/1024) * 2^-2
        assertThat(v[5]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Float.floatToIntBits(v[6])).isEqualTo(0x80000000); // -0.0
        assertThat(v[7]).isEqualTo((float) Math.pow(2, -14)); // smallest normal
    }

    @Test
    void bf16IsTheUpperHalfOfAFloat() {
        float[] v = run(GgmlType.BF16, bytes(le16(0x3F80), le16(0xC049), le16(0x0000)));
        assertThat(v).containsExactly(1.0f, -3.140625f, 0f);
    }

    @Test
    void f32IsLittleEndian() {
        float[] v = run(GgmlType.F32, bytes(0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC1));
        assertThat(v).containsExactly(1.0f, -10.0f);
    }

    @Test
    void q8_0ScalesSignedBytes() {
        byte[] qs = new byte[32];
        qs[0] = -128;
        qs[1] = -1;
        qs[3] = 1;
        qs[31] = 127;
        byte[] qs2 = new byte[32];
        qs2[0] = 3;
        float[] v = run(GgmlType.Q8_0, bytes(le16(H_HALF), qs, le16(H_2), qs2));
        assertThat(v).hasSize(64);
        assertThat(v[0]).isEqualTo(-64f); // 0.5 * -128
        assertThat(v[1]).isEqualTo(-0.5f); // 0.5 * -1
        assertThat(v[2]).isEqualTo(0f);
        assertThat(v[3]).isEqualTo(0.5f);
        assertThat(v[31]).isEqualTo(63.5f); // 0.5 * 127
        assertThat(v[32]).isEqualTo(6f); // second block: 2 * 3
        assertThat(v[33]).isEqualTo(0f);
    }

    @Test
    void q4_0LowNibblesFirstHalfHighNibblesSecondHalf() {
        byte[] qs = filled(16, 0x88);
        qs[0] = (byte) 0x9F; // low 15 -> x0 = 2*(15-8) = 14; high 9 -> x16 = 2*(9-8) = 2
        qs[5] = (byte) 0x08; // low 8 -> x5 = 0; high 0 -> x21 = 2*(0-8) = -16
        float[] v = run(GgmlType.Q4_0, bytes(le16(H_2), qs));
        assertThat(v[0]).isEqualTo(14f);
        assertThat(v[16]).isEqualTo(2f);
        assertThat(v[5]).isEqualTo(0f);
        assertThat(v[21]).isEqualTo(-16f);
        assertThat(v[1]).isEqualTo(0f);
        assertThat(v[31]).isEqualTo(0f);
    }

    @Test
    void q4_1AddsTheMinimum() {
        byte[] qs = new byte[16];
        qs[0] = 0x3A; // low 10 -> 0.5*10 - 1 = 4; high 3 -> 0.5*3 - 1 = 0.5
        byte[] qs2 = filled(16, 0xF0);
        float[] v =
                run(
                        GgmlType.Q4_1,
                        bytes(le16(H_HALF), le16(H_MINUS_1), qs, le16(H_1), le16(H_1), qs2));
        assertThat(v[0]).isEqualTo(4f);
        assertThat(v[16]).isEqualTo(0.5f);
        assertThat(v[1]).isEqualTo(-1f); // q = 0 -> m
        assertThat(v[32]).isEqualTo(1f); // block 2: 1*0 + 1
        assertThat(v[48]).isEqualTo(16f); // block 2: 1*15 + 1
    }

    @Test
    void q5_0TakesTheFifthBitFromQh() {
        byte[] qs = new byte[16];
        qs[0] = 0x21; // x0 low 1, x16 low 2
        qs[15] = (byte) 0xFF; // x15 low 15, x31 low 15
        // qh = bits 0, 17, 31 set = 0x80020001, little-endian
        float[] v =
                run(
                        GgmlType.Q5_0,
                        bytes(le16(H_1), new byte[] {0x01, 0x00, 0x02, (byte) 0x80}, qs));
        assertThat(v[0]).isEqualTo(1f); // (1 | 16) - 16
        assertThat(v[16]).isEqualTo(-14f); // (2 | 0) - 16
        assertThat(v[1]).isEqualTo(-16f); // (0 | 0) - 16
        assertThat(v[17]).isEqualTo(0f); // (0 | 16) - 16
        assertThat(v[15]).isEqualTo(-1f); // (15 | 0) - 16
        assertThat(v[31]).isEqualTo(15f); // (15 | 16) - 16
    }

    @Test
    void q4_kUnpacksSixBitScalesAndMins() {
        byte[] scales = new byte[12];
        scales[0] = 0x42; // sc0 = 2; top bits 01 -> sc4 gets 1<<4
        scales[1] = 0x01; // sc1 = 1
        scales[4] = (byte) 0x83; // m0 = 3; top bits 10 -> m4 gets 2<<4
        scales[8] = 0x75; // sc4 = 5 | 16 = 21, m4 = 7 | 32 = 39
        byte[] qs = new byte[128];
        qs[0] = 0x7A; // value 0: sub-block 0, q=10; value 32: sub-block 1, q=7
        qs[64] = 0x0F; // value 128: sub-block 4, q=15; value 160: sub-block 5, q=0
        float[] v = run(GgmlType.Q4_K, bytes(le16(H_1), le16(H_HALF), scales, qs));
        assertThat(v).hasSize(256);
        assertThat(v[0]).isEqualTo(18.5f); // 1*2*10 - 0.5*3
        assertThat(v[1]).isEqualTo(-1.5f); // 1*2*0 - 0.5*3
        assertThat(v[32]).isEqualTo(7f); // 1*1*7 - 0.5*0
        assertThat(v[33]).isEqualTo(0f);
        assertThat(v[64]).isEqualTo(0f); // sub-block 2: scale 0, min 0
        assertThat(v[128]).isEqualTo(295.5f); // 1*21*15 - 0.5*39
        assertThat(v[129]).isEqualTo(-19.5f); // 1*21*0 - 0.5*39
        assertThat(v[160]).isEqualTo(0f);
    }

    @Test
    void q6_kCombinesLowAndHighBitsWithSignedScales() {
        byte[] ql = new byte[128];
        byte[] qh = new byte[64];
        byte[] sc = filled(16, 1);
        ql[0] = 0x5A;
        ql[32] = 0x3C;
        qh[0] = (byte) 0xE4; // bit pairs from low: 00, 01, 10, 11
        sc[0] = 2;
        sc[1] = 3;
        sc[2] = -1;
        sc[4] = 4;
        sc[8] = 5;
        ql[64] = 0x0F; // second half, value 128
        qh[32] = 0x03;
        float[] v = run(GgmlType.Q6_K, bytes(ql, qh, sc, le16(H_QUARTER)));
        assertThat(v).hasSize(256);
        assertThat(v[0]).isEqualTo(-11f); // q = (0xA | 0<<4) - 32 = -22; 0.25*2*-22
        assertThat(v[32]).isEqualTo(1f); // q = (0xC | 1<<4) - 32 = -4; 0.25*-1*-4
        assertThat(v[64]).isEqualTo(5f); // q = (0x5 | 2<<4) - 32 = 5; 0.25*4*5
        assertThat(v[96]).isEqualTo(4.75f); // q = (0x3 | 3<<4) - 32 = 19; 0.25*1*19
        assertThat(v[16]).isEqualTo(-24f); // q = -32, scale sc[1] = 3
        assertThat(v[1]).isEqualTo(-16f); // q = -32, scale sc[0] = 2
        assertThat(v[128]).isEqualTo(38.75f); // q = (15 | 3<<4) - 32 = 31; 0.25*5*31
        assertThat(v[255]).isEqualTo(-8f); // q = -32, scale 1
    }

    @Test
    void q5_1AddsFifthBitAndMinimum() {
        byte[] qs = new byte[16];
        qs[0] = 0x3A; // x0 low 10, x16 low 3
        // qh bits 0 and 16 = 0x00010001, little-endian
        float[] v =
                run(
                        GgmlType.Q5_1,
                        bytes(le16(H_HALF), le16(H_MINUS_1), new byte[] {1, 0, 1, 0}, qs));
        assertThat(v[0]).isEqualTo(12f); // 0.5 * (10 | 16) - 1
        assertThat(v[16]).isEqualTo(8.5f); // 0.5 * (3 | 16) - 1
        assertThat(v[1]).isEqualTo(-1f); // 0.5 * 0 - 1
        assertThat(v[17]).isEqualTo(-1f);
    }

    @Test
    void q5_kAddsFifthBitsFromQh() {
        byte[] scales = new byte[12];
        scales[0] = 0x42; // sc0 = 2, top bits feed sc4
        scales[1] = 0x01; // sc1 = 1
        scales[4] = (byte) 0x83; // m0 = 3, top bits feed m4
        scales[8] = 0x75; // sc4 = 21, m4 = 39
        byte[] qh = new byte[32];
        qh[0] = 0x13; // bit 0: value 0; bit 1: value 32; bit 4: value 128
        byte[] qs = new byte[128];
        qs[0] = 0x7A;
        qs[64] = 0x0F;
        float[] v = run(GgmlType.Q5_K, bytes(le16(H_1), le16(H_HALF), scales, qh, qs));
        assertThat(v).hasSize(256);
        assertThat(v[0]).isEqualTo(50.5f); // 1*2*(10|16) - 0.5*3
        assertThat(v[32]).isEqualTo(23f); // 1*1*(7|16) - 0
        assertThat(v[1]).isEqualTo(-1.5f); // 1*2*0 - 0.5*3
        assertThat(v[64]).isEqualTo(0f); // sub-block 2: scale 0, min 0
        assertThat(v[128]).isEqualTo(631.5f); // 1*21*(15|16) - 0.5*39
        assertThat(v[160]).isEqualTo(0f); // sub-block 5: bit 5 clear, q 0, scale 0
    }

    @Test
    void unsupportedTypeIsRefused() {
        assertThat(Dequantizers.supports(GgmlType.Q3_K)).isFalse();
        assertThatThrownBy(
                        () -> Dequantizers.dequantize(GgmlType.Q3_K, ByteBuffer.allocate(110), 256))
                .hasMessageContaining("Q3_K");
    }

    @Test
    void partialBlockIsRefused() {
        assertThatThrownBy(
                        () -> Dequantizers.dequantize(GgmlType.Q8_0, ByteBuffer.allocate(34), 16))
                .hasMessageContaining("whole number of Q8_0 blocks");
    }

    @Test
    void halfConversionAgreesWithExactFormula() {
        // every finite half: (-1)^s * 2^(e-15) * (1 + m/1024), subnormals 2^-14 * m/1024
        for (int bits = 0; bits < 0x10000; bits++) {
            int e = (bits >> 10) & 0x1F;
            if (e == 0x1F) {
                continue;
            }
            int m = bits & 0x3FF;
            double mag =
                    e == 0 ? Math.pow(2, -14) * m / 1024.0 : Math.pow(2, e - 15) * (1 + m / 1024.0);
            double expected = (bits & 0x8000) != 0 ? -mag : mag;
            assertThat((double) Half.toFloat((short) bits)).isCloseTo(expected, within(0.0));
        }
    }

    private static float[] run(GgmlType type, byte[] data) {
        int blocks = data.length / type.typeSize();
        assertThat(blocks * type.typeSize()).as("test data is whole blocks").isEqualTo(data.length);
        return Dequantizers.dequantize(
                type,
                ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN),
                blocks * type.blockSize());
    }

    private static byte[] le16(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8)};
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof byte[] b) {
                out.writeBytes(b);
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    @Test
    void directDecodingOverSeveralChunksEqualsTheArrayDecoding() {
        java.util.Random rnd = new java.util.Random(4);
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_1, GgmlType.Q6_K, GgmlType.F16}) {
            int count = 2 * Dequantizers.CHUNK + 4 * 256; // two full chunks and a partial one
            byte[] raw = new byte[count / type.blockSize() * type.typeSize()];
            rnd.nextBytes(raw);
            for (int i = 0; i < raw.length; i += 2) {
                raw[i + 1] &= 0x3b; // keep FP16 exponents finite (scales and F16 values)
            }
            ByteBuffer src = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            float[] expected = Dequantizers.dequantize(type, src, count);
            ByteBuffer direct = Dequantizers.dequantizeDirect(type, src, count);
            assertThat(direct.isDirect()).isTrue();
            assertThat(direct.order()).isEqualTo(ByteOrder.nativeOrder());
            float[] actual = new float[count];
            direct.asFloatBuffer().get(actual);
            assertThat(actual).as(type.toString()).containsExactly(expected);
        }
    }
}
