package dev.gemrag.connectors.records.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one Jackson mapper of the wire formats: duplicate keys and trailing content are errors. */
final class StrictJson {
    static final JsonMapper MAPPER =
            JsonMapper.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .build();

    private StrictJson() {}

    /** Strict UTF-8, then one JSON object. */
    static ObjectNode readObject(byte[] value) throws InvalidRecordException {
        String text = StrictUtf8.decode(value, "value");
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where =
                    loc == null
                            ? ""
                            : " at line " + loc.getLineNr() + " column " + loc.getColumnNr();
            throw new InvalidRecordException(
                    "bad JSON: " + oneLine(e.getOriginalMessage()) + where);
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidRecordException("bad JSON: empty value");
        }
        if (!node.isObject()) {
            throw new InvalidRecordException(
                    "value must be a JSON object, got " + Fields.typeName(node));
        }
        return (ObjectNode) node;
    }

    static byte[] write(ObjectNode o) {
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.replaceAll("\\s*\\R\\s*", " ").trim();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
