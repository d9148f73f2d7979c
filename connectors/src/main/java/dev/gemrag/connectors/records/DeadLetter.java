package dev.gemrag.connectors.records;

/**
 * A record that could not be processed, kept whole with the reason.
 *
 * @param topic source topic
 * @param partition source partition
 * @param offset source offset
 * @param key raw key bytes (may be null)
 * @param value raw value bytes (may be null, e.g. a tombstone that failed)
 * @param reason one line: what was wrong ("missing field 'id'", "text is empty", ...)
 * @param stage where it failed: "parse", "embed", "answer", ...
 */
public record DeadLetter(
        String topic,
        int partition,
        long offset,
        byte[] key,
        byte[] value,
        String reason,
        String stage) {}
