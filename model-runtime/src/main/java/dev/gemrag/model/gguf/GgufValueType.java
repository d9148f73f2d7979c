package dev.gemrag.model.gguf;

/** {@code enum gguf_metadata_value_type: uint32_t} from the GGUF specification. */
enum GgufValueType {
    UINT8,
    INT8,
    UINT16,
    INT16,
    UINT32,
    INT32,
    FLOAT32,
    BOOL,
    STRING,
    ARRAY,
    UINT64,
    INT64,
    FLOAT64;

    static GgufValueType of(int id, String where) {
        GgufValueType[] all = values();
        if (id < 0 || id >= all.length) {
            throw new GgufFormatException(where + ": unknown metadata value type " + id);
        }
        return all[id];
    }
}
