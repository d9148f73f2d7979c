package dev.gemrag.connectors.records.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Typed, strict access to the fields of one JSON object; every failure is an {@link
 * InvalidRecordException} naming the field. A JSON null in an optional field counts as absent.
 */
final class Fields {
    private final ObjectNode node;

    /** Rejects any field not in {@code allowed}. */
    Fields(ObjectNode node, Set<String> allowed) throws InvalidRecordException {
        this.node = node;
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                unknown.add("'" + StrictJson.oneLine(name) + "'");
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidRecordException(
                    (unknown.size() == 1 ? "unknown field " : "unknown fields ")
                            + String.join(", ", unknown)
                            + " (allowed: "
                            + String.join(", ", sorted(allowed))
                            + ")");
        }
    }

    boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    String requiredString(String name, int maxBytes) throws InvalidRecordException {
        JsonNode v = node.get(name);
        if (v == null) {
            throw new InvalidRecordException("missing field '" + name + "'");
        }
        return checkedString(name, v, maxBytes);
    }

    /** A required string that must also contain something other than whitespace. */
    String requiredText(String name, int maxBytes) throws InvalidRecordException {
        String s = requiredString(name, maxBytes);
        if (s.isEmpty()) {
            throw new InvalidRecordException("field '" + name + "' is empty");
        }
        if (s.isBlank()) {
            throw new InvalidRecordException("field '" + name + "' is blank (only whitespace)");
        }
        return s;
    }

    /** An id: non-blank, no control characters. */
    String requiredId(String name, int maxBytes) throws InvalidRecordException {
        String s = requiredText(name, maxBytes);
        checkId("field '" + name + "'", s);
        return s;
    }

    String optionalString(String name, int maxBytes) throws InvalidRecordException {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : checkedString(name, v, maxBytes);
    }

    /** An array of non-blank strings; empty when absent. */
    String[] stringArray(String name, int maxCount, int maxItemBytes)
            throws InvalidRecordException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return new String[0];
        }
        if (!v.isArray()) {
            throw new InvalidRecordException(
                    "field '" + name + "' must be an array of strings, got " + typeName(v));
        }
        if (v.size() > maxCount) {
            throw new InvalidRecordException(
                    "field '"
                            + name
                            + "' has "
                            + v.size()
                            + " entries, more than the limit of "
                            + maxCount);
        }
        String[] out = new String[v.size()];
        for (int i = 0; i < out.length; i++) {
            String item = name + "[" + i + "]";
            JsonNode e = v.get(i);
            String s = checkedString(item, e, maxItemBytes);
            if (s.isBlank()) {
                throw new InvalidRecordException("field '" + item + "' is empty");
            }
            out[i] = s;
        }
        return out;
    }

    /** An object, as compact JSON text; "{}" when absent. */
    String objectJson(String name, int maxBytes) throws InvalidRecordException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return "{}";
        }
        if (!v.isObject()) {
            throw new InvalidRecordException(
                    "field '" + name + "' must be an object, got " + typeName(v));
        }
        String json;
        try {
            json = StrictJson.MAPPER.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException("field '" + name + "' cannot be written back as JSON");
        }
        checkSize(name, json, maxBytes, " bytes as JSON");
        return json;
    }

    /** A non-negative integer that fits in a long, or -1 when absent. */
    long optionalNonNegativeLong(String name) throws InvalidRecordException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return -1;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new InvalidRecordException(
                    "field '"
                            + name
                            + "' must be a non-negative 64-bit integer, got "
                            + typeName(v)
                            + " "
                            + StrictJson.oneLine(clip(v.toString())));
        }
        return v.longValue();
    }

    /** An integer in [min, max], or null when absent. */
    Integer optionalInt(String name, int min, int max) throws InvalidRecordException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber()
                || !v.canConvertToInt()
                || v.intValue() < min
                || v.intValue() > max) {
            throw new InvalidRecordException(
                    "field '"
                            + name
                            + "' must be an integer from "
                            + min
                            + " to "
                            + max
                            + ", got "
                            + typeName(v)
                            + " "
                            + StrictJson.oneLine(clip(v.toString())));
        }
        return v.intValue();
    }

    /** A finite number in the given range (each end open or closed), or null when absent. */
    Float optionalFloat(String name, double min, boolean minClosed, double max, boolean maxClosed)
            throws InvalidRecordException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        double d = v.isNumber() ? v.doubleValue() : Double.NaN;
        boolean inRange = (minClosed ? d >= min : d > min) && (maxClosed ? d <= max : d < max);
        if (!v.isNumber() || !inRange) {
            throw new InvalidRecordException(
                    "field '"
                            + name
                            + "' must be a number in "
                            + (minClosed ? "[" : "(")
                            + plain(min)
                            + ", "
                            + plain(max)
                            + (maxClosed ? "]" : ")")
                            + ", got "
                            + typeName(v)
                            + " "
                            + StrictJson.oneLine(clip(v.toString())));
        }
        return (float) d;
    }

    /** Any 64-bit integer, or null when absent. */
    Long optionalLong(String name) throws InvalidRecordException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new InvalidRecordException(
                    "field '"
                            + name
                            + "' must be a 64-bit integer, got "
                            + typeName(v)
                            + " "
                            + StrictJson.oneLine(clip(v.toString())));
        }
        return v.longValue();
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** A boolean, or false when absent. */
    boolean optionalBoolean(String name) throws InvalidRecordException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new InvalidRecordException(
                    "field '" + name + "' must be true or false, got " + typeName(v));
        }
        return v.booleanValue();
    }

    JsonNode raw(String name) {
        return node.get(name);
    }

    /**
     * Fails when {@code value} has a lone surrogate or is more than {@code maxBytes} UTF-8 bytes;
     * {@code unit} follows the size in the message.
     */
    private static void checkSize(String name, String value, int maxBytes, String unit)
            throws InvalidRecordException {
        checkSurrogates(name, value);
        long bytes = StrictUtf8.encodedLength(value);
        if (bytes > maxBytes) {
            throw new InvalidRecordException(
                    "field '"
                            + name
                            + "' is "
                            + bytes
                            + unit
                            + ", more than the limit of "
                            + maxBytes);
        }
    }

    private static String checkedString(String name, JsonNode v, int maxBytes)
            throws InvalidRecordException {
        if (!v.isTextual()) {
            throw new InvalidRecordException(
                    "field '" + name + "' must be a string, got " + typeName(v));
        }
        String s = v.textValue();
        checkSize(name, s, maxBytes, " bytes");
        return s;
    }

    /**
     * JSON escapes can produce lone surrogates that no UTF-8 encoder will write back faithfully.
     */
    private static void checkSurrogates(String name, String s) throws InvalidRecordException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidRecordException(
                        String.format(
                                "field '%s' contains an unpaired surrogate \\u%04X at char %d",
                                name, (int) c, i));
            }
        }
    }

    static void checkId(String what, String s) throws InvalidRecordException {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new InvalidRecordException(
                        what + " contains a control character at char " + i);
            }
        }
    }

    static String typeName(JsonNode v) {
        switch (v.getNodeType()) {
            case STRING:
                return "string";
            case NUMBER:
                return v.isIntegralNumber() ? "integer" : "number";
            case BOOLEAN:
                return "boolean";
            case ARRAY:
                return "array";
            case OBJECT:
                return "object";
            case NULL:
                return "null";
            default:
                return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        l.sort(null);
        return l;
    }
}
