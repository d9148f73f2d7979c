package dev.gemrag.model.hf;

/**
 * A Hugging Face model directory that cannot be read: the message names the file and the problem.
 */
public class HfFormatException extends RuntimeException {
    public HfFormatException(String message) {
        super(message);
    }
}
