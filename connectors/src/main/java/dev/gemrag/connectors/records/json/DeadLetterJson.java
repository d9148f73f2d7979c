package dev.gemrag.connectors.records.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.connectors.records.DeadLetter;
import java.util.Base64;
import java.util.Set;

/**
 * The dead-letter topic contract:
 *
 * <pre>
 * {"topic","partition","offset","key","key_encoding","value","value_encoding","reason","stage"}
 * </pre>
 *
 * key and value hold the original bytes: as text when they are valid UTF-8 ({@code "utf-8"}), else
 * base64 ({@code "base64"}); a null key or value stays null (encoding "utf-8"). So the raw record
 * is always recoverable byte for byte, and readable when it was text. A dead letter too large for
 * one Kafka record is cut by {@link DeadLetterBudget} and then also holds {@code "value_truncated":
 * true, "value_size": n} (and {@code key_truncated}/{@code key_size}); {@link #parse} then returns
 * the cut bytes.
 */
public final class DeadLetterJson {
    public static final String UTF8 = "utf-8";
    public static final String BASE64 = "base64";
    private static final Set<String> FIELDS =
            Set.of(
                    "topic",
                    "partition",
                    "offset",
                    "key",
                    "key_encoding",
                    "value",
                    "value_encoding",
                    "reason",
                    "stage",
                    "key_truncated",
                    "key_size",
                    "value_truncated",
                    "value_size");

    private DeadLetterJson() {}

    public static byte[] toBytes(DeadLetter d) {
        return StrictJson.write(node(d));
    }

    static ObjectNode node(DeadLetter d) {
        ObjectNode o = StrictJson.MAPPER.createObjectNode();
        o.put("topic", d.topic());
        o.put("partition", d.partition());
        o.put("offset", d.offset());
        putBytes(o, "key", d.key());
        putBytes(o, "value", d.value());
        o.put("reason", d.reason());
        o.put("stage", d.stage());
        return o;
    }

    public static DeadLetter parse(byte[] value) throws InvalidRecordException {
        if (value == null) {
            throw new InvalidRecordException("null value: a dead letter needs a JSON body");
        }
        Fields f = new Fields(StrictJson.readObject(value), FIELDS);
        JsonNode partition = f.raw("partition");
        JsonNode offset = f.raw("offset");
        if (partition == null || !partition.canConvertToInt() || !partition.isIntegralNumber()) {
            throw new InvalidRecordException("field 'partition' must be an integer");
        }
        if (offset == null || !offset.isIntegralNumber() || !offset.canConvertToLong()) {
            throw new InvalidRecordException("field 'offset' must be an integer");
        }
        return new DeadLetter(
                f.optionalString("topic", Integer.MAX_VALUE),
                partition.intValue(),
                offset.longValue(),
                readBytes(f, "key"),
                readBytes(f, "value"),
                f.requiredString("reason", Integer.MAX_VALUE),
                f.requiredString("stage", Integer.MAX_VALUE));
    }

    private static void putBytes(ObjectNode o, String name, byte[] bytes) {
        String text = bytes == null ? null : StrictUtf8.decodeOrNull(bytes);
        if (bytes == null) {
            o.putNull(name);
            o.put(name + "_encoding", UTF8);
        } else if (text != null) {
            o.put(name, text);
            o.put(name + "_encoding", UTF8);
        } else {
            o.put(name, Base64.getEncoder().encodeToString(bytes));
            o.put(name + "_encoding", BASE64);
        }
    }

    private static byte[] readBytes(Fields f, String name) throws InvalidRecordException {
        String s = f.optionalString(name, Integer.MAX_VALUE);
        String encoding = f.optionalString(name + "_encoding", 16);
        if (s == null) {
            return null;
        }
        if (encoding == null || encoding.equals(UTF8)) {
            return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        if (encoding.equals(BASE64)) {
            try {
                return Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                throw new InvalidRecordException("field '" + name + "' is not valid base64");
            }
        }
        throw new InvalidRecordException(
                "field '"
                        + name
                        + "_encoding' must be \"utf-8\" or \"base64\", got '"
                        + StrictJson.oneLine(encoding)
                        + "'");
    }
}
