package dev.gemrag.model.generate;

/**
 * One step of the logit pipeline: changes a row of logits in place, given the tokens this
 * completion generated so far ({@code history[0 .. length)}, oldest first).
 */
public interface LogitProcessor {
    void apply(float[] logits, int offset, int vocab, int[] history, int length);
}
