package dev.gemrag.model.gguf;

/**
 * {@code enum ggml_type} ids with their block geometry: {@code blockSize} values are stored in
 * {@code typeSize} bytes. Only the ids matter for reading; types without a dequantiser are reported
 * by name.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 2 + 16),
    Q4_1(3, 32, 2 + 2 + 16),
    Q5_0(6, 32, 2 + 4 + 16),
    Q5_1(7, 32, 2 + 2 + 4 + 16),
    Q8_0(8, 32, 2 + 32),
    Q8_1(9, 32, 2 + 2 + 32),
    Q2_K(10, 256, 16 + 64 + 2 + 2),
    Q3_K(11, 256, 32 + 64 + 12 + 2),
    Q4_K(12, 256, 2 + 2 + 12 + 128),
    Q5_K(13, 256, 2 + 2 + 12 + 32 + 128),
    Q6_K(14, 256, 128 + 64 + 16 + 2),
    Q8_K(15, 256, 4 + 256 + 32),
    IQ2_XXS(16, 256, 2 + 64),
    IQ2_XS(17, 256, 2 + 64 + 8),
    IQ3_XXS(18, 256, 2 + 96),
    IQ1_S(19, 256, 2 + 32 + 16),
    IQ4_NL(20, 32, 2 + 16),
    IQ3_S(21, 256, 2 + 64 + 8 + 32 + 4),
    IQ2_S(22, 256, 2 + 64 + 16),
    IQ4_XS(23, 256, 2 + 2 + 4 + 128),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 32 + 16 + 8),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 48 + 4 + 2),
    TQ2_0(35, 256, 2 + 64),
    MXFP4(39, 32, 1 + 16);

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    public int id() {
        return id;
    }

    /** Values per block. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    /**
     * Bytes that {@code count} values of this type occupy; count must be a whole number of blocks.
     */
    public long bytesFor(long count) {
        return count / blockSize * typeSize;
    }

    /** The type with this id, or null when the id is unknown to this reader. */
    public static GgmlType byId(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
