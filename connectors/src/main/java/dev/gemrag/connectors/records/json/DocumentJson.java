package dev.gemrag.connectors.records.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.connectors.records.Document;
import dev.gemrag.connectors.records.DocumentDelete;
import dev.gemrag.connectors.records.DocumentEvent;
import java.util.Set;

/**
 * The documents topic contract (key = document id, value UTF-8 JSON):
 *
 * <pre>
 * {"id","version"?,"title"?,"text","url"?,"acl"?:[groups],"metadata"?:{}}   upsert
 * {"id","deleted":true,"version"?}                                          delete
 * null value (tombstone, key = id)                                          delete
 * </pre>
 *
 * Rules: unknown fields, wrong types, an empty or blank text or id, and anything over {@link
 * RecordLimits} are rejected. When the record has a key it must equal the id: the key picks the
 * partition, and a document whose events land on two partitions loses its ordering (and version =
 * offset stops being monotonic). A record without a key is accepted (the id decides). The version
 * is the "version" field when given, else the record's offset; a tombstone always uses its offset,
 * so a producer that sends explicit versions should delete with {"id","deleted":true,"version":n}.
 */
public final class DocumentJson {
    private static final Set<String> FIELDS =
            Set.of("id", "version", "title", "text", "url", "acl", "metadata", "deleted");
    private static final Set<String> DELETE_FIELDS = Set.of("id", "version", "deleted");

    private DocumentJson() {}

    /**
     * @param key the Kafka key (may be null)
     * @param value the Kafka value (null = tombstone)
     * @param offset the Kafka offset, the version when the record has none
     */
    public static DocumentEvent parse(byte[] key, byte[] value, long offset, RecordLimits limits)
            throws InvalidRecordException {
        String keyText = key == null ? null : StrictUtf8.decode(key, "key");
        if (value == null) {
            if (keyText == null) {
                throw new InvalidRecordException(
                        "tombstone (null value) without a key: no document to delete");
            }
            if (keyText.isBlank()) {
                throw new InvalidRecordException("tombstone key is empty: no document to delete");
            }
            checkIdLength("key", keyText, limits);
            Fields.checkId("key", keyText);
            return DocumentEvent.delete(new DocumentDelete(keyText, offset));
        }
        Fields f = new Fields(StrictJson.readObject(value), FIELDS);
        String id = f.requiredId("id", limits.maxIdBytes());
        if (keyText != null && !keyText.equals(id)) {
            throw new InvalidRecordException(
                    "key '"
                            + StrictJson.oneLine(clip(keyText))
                            + "' does not match field 'id' '"
                            + StrictJson.oneLine(clip(id))
                            + "'");
        }
        long given = f.optionalNonNegativeLong("version");
        long version = given >= 0 ? given : offset;
        if (f.optionalBoolean("deleted")) {
            for (String name : FIELDS) {
                if (!DELETE_FIELDS.contains(name) && f.has(name)) {
                    throw new InvalidRecordException(
                            "a delete (\"deleted\":true) carries only id and version, not '"
                                    + name
                                    + "'");
                }
            }
            return DocumentEvent.delete(new DocumentDelete(id, version));
        }
        String text = f.requiredText("text", limits.maxTextBytes());
        String title = f.optionalString("title", limits.maxTitleBytes());
        String url = f.optionalString("url", limits.maxUrlBytes());
        String[] acl = f.stringArray("acl", limits.maxGroups(), limits.maxGroupBytes());
        String metadata = f.objectJson("metadata", limits.maxMetadataBytes());
        return DocumentEvent.upsert(new Document(id, version, title, text, url, acl, metadata));
    }

    /** The upsert as JSON bytes, version included. */
    public static byte[] toBytes(Document d) {
        ObjectNode o = StrictJson.MAPPER.createObjectNode();
        o.put("id", d.id());
        o.put("version", d.version());
        if (d.title() != null) {
            o.put("title", d.title());
        }
        o.put("text", d.text());
        if (d.url() != null) {
            o.put("url", d.url());
        }
        if (d.acl() != null && d.acl().length > 0) {
            var acl = o.putArray("acl");
            for (String g : d.acl()) {
                acl.add(g);
            }
        }
        if (d.metadataJson() != null && !d.metadataJson().equals("{}")) {
            try {
                o.set("metadata", StrictJson.MAPPER.readTree(d.metadataJson()));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(
                        "document '" + d.id() + "' metadataJson is not JSON", e);
            }
        }
        return StrictJson.write(o);
    }

    /** {"id":..,"deleted":true}: the explicit delete. */
    public static byte[] deleteBytes(String id) {
        ObjectNode o = StrictJson.MAPPER.createObjectNode();
        o.put("id", id);
        o.put("deleted", true);
        return StrictJson.write(o);
    }

    private static void checkIdLength(String what, String id, RecordLimits limits)
            throws InvalidRecordException {
        long bytes = StrictUtf8.encodedLength(id);
        if (bytes > limits.maxIdBytes()) {
            throw new InvalidRecordException(
                    what
                            + " is "
                            + bytes
                            + " bytes, more than the id limit of "
                            + limits.maxIdBytes());
        }
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
