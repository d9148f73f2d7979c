package dev.gemrag.connectors.milvus.internal;

import static dev.gemrag.connectors.milvus.ChunkFields.ACL;
import static dev.gemrag.connectors.milvus.ChunkFields.CHUNK_ID;
import static dev.gemrag.connectors.milvus.ChunkFields.CHUNK_INDEX;
import static dev.gemrag.connectors.milvus.ChunkFields.DOC_ID;
import static dev.gemrag.connectors.milvus.ChunkFields.DOC_VERSION;
import static dev.gemrag.connectors.milvus.ChunkFields.EMBEDDING;
import static dev.gemrag.connectors.milvus.ChunkFields.METADATA;
import static dev.gemrag.connectors.milvus.ChunkFields.SEARCH_TEXT;
import static dev.gemrag.connectors.milvus.ChunkFields.TEXT;
import static dev.gemrag.connectors.milvus.ChunkFields.TITLE;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.gemrag.connectors.milvus.CollectionSpec;
import dev.gemrag.connectors.milvus.FieldOverflow;
import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.IndexAction;
import io.milvus.v2.service.vector.request.UpsertReq;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the chunks of one {@link IndexAction} into Milvus rows, refusing what would corrupt the
 * collection: vectors of another model or dimension, chunks of another document or version, ids or
 * acl groups over their limits. Over-long titles/texts are truncated or rejected by {@link
 * FieldOverflow}.
 *
 * <p>The one place Gson is used: the Milvus SDK's row API ({@code UpsertReq.data}) takes Gson
 * {@code JsonObject}s, so rows are built here as Gson and leave only as opaque {@link Row}s and
 * {@link #upsert} requests; every other JSON in gemrag is Jackson.
 */
public final class ChunkRowMapper {
    /** One Milvus row, opaque outside this class. */
    public static final class Row {
        private final JsonObject json;

        Row(JsonObject json) {
            this.json = json;
        }

        /** The SDK's form (tests read fields from it). */
        JsonObject json() {
            return json;
        }
    }

    private final CollectionSpec spec;
    private final String collection;
    private final FieldOverflow overflow;
    private long truncatedFields;

    public ChunkRowMapper(CollectionSpec spec, FieldOverflow overflow) {
        this.spec = spec;
        this.collection = spec.collectionName();
        this.overflow = overflow;
    }

    /** Title/text values cut so far. */
    public long truncatedFields() {
        return truncatedFields;
    }

    /**
     * Validates the action as a whole (before buffering, so a bad record fails at once, not at
     * flush).
     */
    public List<Row> rows(IndexAction action) {
        if (action.docId == null || action.docId.isEmpty()) {
            throw new IllegalArgumentException("index action without a document id");
        }
        checkBytes(action.docId, spec.docIdMaxLength(), "document id", action.docId);
        if (action.isDelete()) {
            return List.of();
        }
        if (!spec.modelId().equals(action.modelId)) {
            throw new IllegalArgumentException(
                    "document '"
                            + action.docId
                            + "' v"
                            + action.docVersion
                            + " was embedded by model '"
                            + action.modelId
                            + "' but collection '"
                            + collection
                            + "' holds vectors of model '"
                            + spec.modelId()
                            + "': re-index into a new collection instead of mixing vectors");
        }
        List<Row> rows = new ArrayList<>(action.chunks.size());
        // The chunks of a document share its metadata: parse it once, not once per chunk.
        String metadataJson = null;
        JsonElement metadata = null;
        for (Chunk c : action.chunks) {
            if (metadata == null || !java.util.Objects.equals(metadataJson, c.metadataJson())) {
                metadataJson = c.metadataJson();
                metadata = metadata(c);
            }
            rows.add(new Row(row(action, c, metadata)));
        }
        return rows;
    }

    private JsonObject row(IndexAction action, Chunk c, JsonElement metadata) {
        if (!action.docId.equals(c.docId()) || action.docVersion != c.docVersion()) {
            throw new IllegalArgumentException(
                    "chunk "
                            + c.chunkId()
                            + " (doc '"
                            + c.docId()
                            + "' v"
                            + c.docVersion()
                            + ") does not belong to the action for doc '"
                            + action.docId
                            + "' v"
                            + action.docVersion);
        }
        float[] v = c.embedding();
        if (v == null || v.length != spec.dimension()) {
            throw new IllegalArgumentException(
                    "chunk "
                            + c.chunkId()
                            + " has a "
                            + (v == null ? 0 : v.length)
                            + "-dimensional embedding but collection '"
                            + collection
                            + "' holds "
                            + spec.dimension()
                            + "-dimensional vectors");
        }
        JsonArray vec = new JsonArray(v.length);
        for (float f : v) {
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException(
                        "chunk " + c.chunkId() + " has a non-finite embedding value");
            }
            vec.add(new JsonPrimitive(f));
        }
        if (c.chunkId() == null || c.chunkId().isEmpty()) {
            throw new IllegalArgumentException(
                    "chunk " + c.chunkIndex() + " of doc '" + c.docId() + "' has no chunk id");
        }
        checkBytes(c.chunkId(), spec.chunkIdMaxLength(), "chunk id", c.chunkId());
        List<String> acl =
                AclGroups.validate(
                        c.acl() == null ? List.of() : Arrays.asList(c.acl()),
                        spec.aclMaxGroups(),
                        spec.aclGroupMaxLength(),
                        "acl of chunk " + c.chunkId(),
                        true);
        JsonArray aclJson = new JsonArray(acl.size());
        acl.forEach(aclJson::add);

        JsonObject row = new JsonObject();
        row.addProperty(CHUNK_ID, c.chunkId());
        row.addProperty(DOC_ID, c.docId());
        row.addProperty(DOC_VERSION, c.docVersion());
        row.addProperty(CHUNK_INDEX, c.chunkIndex());
        String title =
                fit(c.title() == null ? "" : c.title(), spec.titleMaxLength(), TITLE, c.chunkId());
        String text =
                fit(c.text() == null ? "" : c.text(), spec.textMaxLength(), TEXT, c.chunkId());
        row.addProperty(TITLE, title);
        row.addProperty(TEXT, text);
        row.add(ACL, aclJson);
        row.add(METADATA, metadata);
        row.add(EMBEDDING, vec);
        if (spec.fullText()) {
            // built from the stored (possibly cut) title and text; only the 65535-byte VarChar cap
            // can cut it further
            String analysed = spec.textAnalyzer().analyze(searchText(title, text));
            row.addProperty(SEARCH_TEXT, truncateUtf8(analysed, spec.searchTextMaxLength()));
        }
        return row;
    }

    /** The upsert of {@code rows} into {@code collection}. */
    public static UpsertReq upsert(String collection, List<Row> rows) {
        List<JsonObject> data = new ArrayList<>(rows.size());
        rows.forEach(r -> data.add(r.json));
        return UpsertReq.builder().collectionName(collection).data(data).build();
    }

    /**
     * What BM25 indexes: the title line and the chunk text, as the embedder sees the chunk
     * (operators' EmbedText.of), so both retrieval legs judge the same words.
     */
    public static String searchText(String title, String text) {
        String body = text == null ? "" : text;
        return title == null || title.isBlank() ? body : title.strip() + "\n" + body;
    }

    private static JsonElement metadata(Chunk c) {
        String json = c.metadataJson();
        if (json == null || json.isBlank()) {
            return new JsonObject();
        }
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(
                        "metadata of chunk " + c.chunkId() + " is not a JSON object");
            }
            return e;
        } catch (com.google.gson.JsonParseException e) {
            throw new IllegalArgumentException(
                    "metadata of chunk " + c.chunkId() + " is not valid JSON: " + e.getMessage());
        }
    }

    private String fit(String value, int maxBytes, String field, String chunkId) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= maxBytes) {
            return value;
        }
        if (overflow == FieldOverflow.REJECT) {
            throw new IllegalArgumentException(
                    field
                            + " of chunk "
                            + chunkId
                            + " is "
                            + utf8.length
                            + " bytes, over its max length "
                            + maxBytes
                            + " (milvus.field."
                            + field
                            + ".max-length; milvus.field.overflow=REJECT)");
        }
        truncatedFields++;
        return truncateUtf8(value, maxBytes);
    }

    /**
     * The longest prefix of s whose UTF-8 encoding fits in maxBytes, never splitting a code point.
     */
    public static String truncateUtf8(String s, int maxBytes) {
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > maxBytes) {
                break;
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }

    private static void checkBytes(String value, int maxBytes, String what, String shown) {
        int n = value.getBytes(StandardCharsets.UTF_8).length;
        if (n > maxBytes) {
            throw new IllegalArgumentException(
                    what
                            + " is "
                            + n
                            + " bytes, over the limit of "
                            + maxBytes
                            + " (milvus.field.doc-id.max-length): "
                            + (shown.length() > 40 ? shown.substring(0, 40) + "..." : shown));
        }
    }
}
