package dev.gemrag.model.tokenizer;

/** llama.cpp's {@code tokenizer.ggml.token_type} values. */
final class GgufTokenType {
    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;
    static final int BYTE = 6;

    private GgufTokenType() {}
}
