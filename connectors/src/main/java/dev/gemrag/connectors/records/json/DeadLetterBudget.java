package dev.gemrag.connectors.records.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gemrag.connectors.records.DeadLetter;
import java.util.Arrays;
import java.util.Base64;

/**
 * Fits a dead letter into one Kafka record of at most the dead-letter producer's {@code
 * max.request.size}. A dead letter repeats the bad record (base64 makes it 4/3 larger, JSON
 * escaping up to 6x), so a record near the source topic's size limit would make the write fail with
 * {@code RecordTooLargeException}, and a job restart would replay the same record forever. What is
 * kept always: reason (cut to {@value #MAX_REASON_CHARS} characters), stage, topic, partition,
 * offset and the key (cut beyond 1/8 of the limit). The value is cut to what still fits, and the
 * record says so: {@code "value_truncated": true, "value_size": <original bytes>} ({@code
 * key_truncated}/{@code key_size} likewise). The producer checks the uncompressed size, so the
 * bound holds with and without compression.
 */
public final class DeadLetterBudget {
    /** Kafka's default {@code max.request.size}. */
    public static final int KAFKA_DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

    /** Smallest limit accepted: room for the reason, the key and a useful piece of the value. */
    public static final int MIN_MAX_REQUEST_BYTES = 64 * 1024;

    /** Longest reason kept: a reason may quote the offending input. */
    public static final int MAX_REASON_CHARS = 2048;

    /**
     * What Kafka adds around key and value (batch header 61 bytes, record header at most 21) with a
     * margin.
     */
    static final int RECORD_OVERHEAD = 512;

    /** The Kafka record to write: key and dead-letter JSON. */
    public record Encoded(byte[] key, byte[] value) {
        public int size() {
            return (key == null ? 0 : key.length) + value.length;
        }
    }

    private final int maxRequestBytes;

    public DeadLetterBudget(int maxRequestBytes) {
        if (maxRequestBytes < MIN_MAX_REQUEST_BYTES) {
            throw new IllegalArgumentException(
                    "max.request.size "
                            + maxRequestBytes
                            + " of the dead-letter producer is"
                            + " too small for dead letters: at least "
                            + MIN_MAX_REQUEST_BYTES);
        }
        this.maxRequestBytes = maxRequestBytes;
    }

    /** Most bytes of key plus value one dead letter may take. */
    public int maxRecordBytes() {
        return maxRequestBytes - RECORD_OVERHEAD;
    }

    public Encoded encode(DeadLetter d) {
        byte[] all = DeadLetterJson.toBytes(d);
        if ((d.key() == null ? 0 : d.key().length) + all.length <= maxRecordBytes()) {
            return new Encoded(d.key(), all);
        }
        String reason =
                d.reason() != null && d.reason().length() > MAX_REASON_CHARS
                        ? d.reason().substring(0, MAX_REASON_CHARS) + "... (reason cut)"
                        : d.reason();
        byte[] key = d.key();
        int maxKey = maxRequestBytes / 8;
        if (key != null && key.length > maxKey) {
            key = prefix(key, maxKey);
        }
        ObjectNode o =
                DeadLetterJson.node(
                        new DeadLetter(
                                d.topic(),
                                d.partition(),
                                d.offset(),
                                key,
                                new byte[0],
                                reason,
                                d.stage()));
        if (key != d.key()) {
            o.put("key_truncated", true);
            o.put("key_size", d.key().length);
        }
        byte[] value = d.value();
        if (value == null) {
            return new Encoded(key, StrictJson.write(o));
        }
        ObjectNode withValue =
                DeadLetterJson.node(
                        new DeadLetter(
                                d.topic(),
                                d.partition(),
                                d.offset(),
                                key,
                                value,
                                reason,
                                d.stage()));
        withValue.setAll(o.deepCopy().retain("key_truncated", "key_size"));
        byte[] whole = StrictJson.write(withValue);
        if ((key == null ? 0 : key.length) + whole.length <= maxRecordBytes()) {
            return new Encoded(key, whole); // cutting key and reason was enough
        }
        boolean text = StrictUtf8.decodeOrNull(value) != null;
        o.put("value_encoding", text ? DeadLetterJson.UTF8 : DeadLetterJson.BASE64);
        o.put("value_truncated", true);
        o.put("value_size", value.length);
        // JSON sizes add up: the record with an empty value, plus the encoded value less its two
        // quotes.
        int base = StrictJson.write(o).length + (key == null ? 0 : key.length);
        int room = maxRecordBytes() - base;
        int lo = 0;
        int hi = value.length;
        while (lo < hi) { // the longest prefix whose encoding fits: encoded size grows with the
            // prefix
            int mid = (lo + hi + 1) >>> 1;
            if (encodedSize(value, mid, text) <= room) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        o.put("value", encode(value, lo, text));
        return new Encoded(key, StrictJson.write(o));
    }

    /** A UTF-8 text is cut before a character, never inside one (the prefix stays valid text). */
    private static byte[] prefix(byte[] bytes, int n) {
        int end = n;
        if (StrictUtf8.decodeOrNull(bytes) != null) {
            while (end > 0 && end < bytes.length && (bytes[end] & 0xC0) == 0x80) {
                end--;
            }
        }
        return Arrays.copyOf(bytes, end);
    }

    private static String encode(byte[] value, int n, boolean text) {
        byte[] p = prefix(value, n);
        return text
                ? new String(p, java.nio.charset.StandardCharsets.UTF_8)
                : Base64.getEncoder().encodeToString(p);
    }

    private static int encodedSize(byte[] value, int n, boolean text) {
        try {
            return StrictJson.MAPPER.writeValueAsBytes(TextNode.valueOf(encode(value, n, text)))
                            .length
                    - 2;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a string as JSON", e);
        }
    }
}
