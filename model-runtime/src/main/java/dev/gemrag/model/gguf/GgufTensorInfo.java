package dev.gemrag.model.gguf;

import java.util.Arrays;

/**
 * {@code struct gguf_tensor_info_t}: where one tensor lies in the data section.
 *
 * @param name {@code gguf_string_t name}
 * @param dims {@code uint64_t dimensions[n_dimensions]}, innermost first (ggml's ne[])
 * @param typeId {@code ggml_type type}, kept as the raw id so unknown types can still be reported
 * @param offset {@code uint64_t offset}, relative to the start of the data section
 */
public record GgufTensorInfo(String name, long[] dims, int typeId, long offset) {

    /** Number of values. */
    public long count() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** The ggml type, or null if this reader does not know the id. */
    public GgmlType type() {
        return GgmlType.byId(typeId);
    }

    /** Human-readable type: its name, or "type id N" for ids this reader does not know. */
    public String typeName() {
        GgmlType t = type();
        return t != null ? t.name() : "type id " + typeId;
    }

    /** PyTorch-style shape: GGUF ne = [in, out] becomes {out, in}. */
    public long[] shape() {
        long[] s = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            s[i] = dims[dims.length - 1 - i];
        }
        return s;
    }

    @Override
    public String toString() {
        return name + " " + typeName() + " ne=" + Arrays.toString(dims) + " @" + offset;
    }
}
