package dev.gemrag.model.gguf;

/** A GGUF file that cannot be read: the message names the file and the problem. */
public class GgufFormatException extends RuntimeException {
    public GgufFormatException(String message) {
        super(message);
    }

    public GgufFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
