package dev.gemrag.connectors.records.json;

/**
 * A record that breaks its JSON contract. The message is one line naming the problem ("missing
 * field 'id'", "field 'text' is empty", ...) and becomes a dead letter's reason. Checked on
 * purpose: a bad record is data, not a bug, and must never escape into a job as a crash.
 */
public final class InvalidRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String reason) {
        super(reason, null, false, false); // no stack trace: an expected condition
    }

    /** The one-line reason. */
    public String reason() {
        return getMessage();
    }
}
