package dev.gemrag.connectors.records.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.connectors.records.Document;
import dev.gemrag.connectors.records.DocumentEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DocumentJsonTest {
    private static final RecordLimits LIMITS = RecordLimits.defaults();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static DocumentEvent parse(String key, String value) throws InvalidRecordException {
        return DocumentJson.parse(
                key == null ? null : b(key), value == null ? null : b(value), 42, LIMITS);
    }

    /** Why a record (a null key or value: none) is rejected under the default limits. */
    private static String reason(String key, String value) {
        return reasonWith(LIMITS, key, value);
    }

    /** Why a record is rejected under {@code limits}: a one-line reason. */
    private static String reasonWith(RecordLimits limits, String key, String value) {
        try {
            DocumentJson.parse(
                    key == null ? null : b(key), value == null ? null : b(value), 0, limits);
        } catch (InvalidRecordException e) {
            assertThat(e.reason()).doesNotContain("\n");
            return e.reason();
        }
        throw new AssertionError("accepted: " + value);
    }

    @Test
    void parsesAFullDocument() throws Exception {
        DocumentEvent e =
                parse(
                        "d1",
                        "{\"id\":\"d1\",\"version\":7,\"title\":\"T\",\"text\":\"hello\",\"url\":\"http://x\","
                                + "\"acl\":[\"a\",\"b\"],\"metadata\":{\"lang\":\"en\",\"n\":[1,2]}}");
        assertThat(e.isDelete()).isFalse();
        Document d = e.upsert;
        assertThat(d.id()).isEqualTo("d1");
        assertThat(d.version()).isEqualTo(7);
        assertThat(d.title()).isEqualTo("T");
        assertThat(d.text()).isEqualTo("hello");
        assertThat(d.url()).isEqualTo("http://x");
        assertThat(d.acl()).containsExactly("a", "b");
        assertThat(d.metadataJson()).isEqualTo("{\"lang\":\"en\",\"n\":[1,2]}");
    }

    @Test
    void minimalDocumentTakesTheOffsetAsVersionAndDefaults() throws Exception {
        Document d = parse(null, "{\"id\":\"d1\",\"text\":\"hello\",\"title\":null}").upsert;
        assertThat(d.version()).isEqualTo(42);
        assertThat(d.title()).isNull();
        assertThat(d.url()).isNull();
        assertThat(d.acl()).isEmpty();
        assertThat(d.metadataJson()).isEqualTo("{}");
    }

    @Test
    void deletes() throws Exception {
        DocumentEvent tomb = parse("d1", null);
        assertThat(tomb.isDelete()).isTrue();
        assertThat(tomb.id()).isEqualTo("d1");
        assertThat(tomb.version()).isEqualTo(42);

        DocumentEvent del = parse("d1", "{\"id\":\"d1\",\"deleted\":true,\"version\":9}");
        assertThat(del.isDelete()).isTrue();
        assertThat(del.version()).isEqualTo(9);

        DocumentEvent notDeleted = parse("d1", "{\"id\":\"d1\",\"deleted\":false,\"text\":\"x\"}");
        assertThat(notDeleted.isDelete()).isFalse();
    }

    @Test
    void rejectsUnknownFields() {
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"x\",\"body\":\"y\"}"))
                .startsWith("unknown field 'body'");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"x\",\"a\":1,\"b\":2}"))
                .startsWith("unknown fields 'a', 'b'");
    }

    @Test
    void rejectsMissingOrBlankIdAndText() {
        assertThat(reason(null, "{\"text\":\"x\"}")).isEqualTo("missing field 'id'");
        assertThat(reason(null, "{\"id\":\"\",\"text\":\"x\"}")).isEqualTo("field 'id' is empty");
        assertThat(reason(null, "{\"id\":\"a\\nb\",\"text\":\"x\"}"))
                .isEqualTo("field 'id' contains a control character at char 1");
        assertThat(reason("d1", "{\"id\":\"d1\"}")).isEqualTo("missing field 'text'");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"\"}"))
                .isEqualTo("field 'text' is empty");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\" \\n\\t\"}"))
                .isEqualTo("field 'text' is blank (only whitespace)");
    }

    @Test
    void rejectsWrongTypes() {
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":123}"))
                .isEqualTo("field 'text' must be a string, got integer");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":{\"a\":1}}"))
                .isEqualTo("field 'text' must be a string, got object");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":null}"))
                .isEqualTo("field 'text' must be a string, got null");
        assertThat(reason(null, "{\"id\":17,\"text\":\"x\"}"))
                .isEqualTo("field 'id' must be a string, got integer");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"x\",\"title\":[\"t\"]}"))
                .isEqualTo("field 'title' must be a string, got array");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"x\",\"acl\":\"g\"}"))
                .isEqualTo("field 'acl' must be an array of strings, got string");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"x\",\"acl\":[\"g\",3]}"))
                .isEqualTo("field 'acl[1]' must be a string, got integer");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"x\",\"acl\":[\"\"]}"))
                .isEqualTo("field 'acl[0]' is empty");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"x\",\"metadata\":[1]}"))
                .isEqualTo("field 'metadata' must be an object, got array");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"x\",\"version\":\"3\"}"))
                .startsWith("field 'version' must be a non-negative 64-bit integer, got string");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"x\",\"version\":-1}"))
                .startsWith("field 'version' must be a non-negative 64-bit integer");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"x\",\"version\":1.5}"))
                .startsWith("field 'version' must be a non-negative 64-bit integer, got number");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"x\",\"version\":99999999999999999999}"))
                .startsWith("field 'version' must be a non-negative 64-bit integer");
        assertThat(reason("d1", "{\"id\":\"d1\",\"deleted\":\"yes\"}"))
                .isEqualTo("field 'deleted' must be true or false, got string");
        assertThat(reason("d1", "[1,2]")).isEqualTo("value must be a JSON object, got array");
        assertThat(reason("d1", "\"d1\"")).isEqualTo("value must be a JSON object, got string");
    }

    @Test
    void rejectsOverLongFields() {
        RecordLimits small =
                LIMITS.withMaxIdBytes(4)
                        .withMaxTextBytes(10)
                        .withMaxTitleBytes(3)
                        .withMaxGroups(2)
                        .withMaxGroupBytes(2)
                        .withMaxMetadataBytes(10)
                        .withMaxUrlBytes(5);
        assertThat(reasonWith(small, null, "{\"id\":\"12345\",\"text\":\"x\"}"))
                .isEqualTo("field 'id' is 5 bytes, more than the limit of 4");
        // "é" is two UTF-8 bytes: limits count bytes, not chars.
        assertThat(reasonWith(small, null, "{\"id\":\"a\",\"text\":\"ééééééé\"}"))
                .isEqualTo("field 'text' is 14 bytes, more than the limit of 10");
        assertThat(reasonWith(small, null, "{\"id\":\"a\",\"text\":\"x\",\"title\":\"abcd\"}"))
                .isEqualTo("field 'title' is 4 bytes, more than the limit of 3");
        assertThat(reasonWith(small, null, "{\"id\":\"a\",\"text\":\"x\",\"url\":\"http://\"}"))
                .isEqualTo("field 'url' is 7 bytes, more than the limit of 5");
        assertThat(
                        reasonWith(
                                small,
                                null,
                                "{\"id\":\"a\",\"text\":\"x\",\"acl\":[\"a\",\"b\",\"c\"]}"))
                .isEqualTo("field 'acl' has 3 entries, more than the limit of 2");
        assertThat(reasonWith(small, null, "{\"id\":\"a\",\"text\":\"x\",\"acl\":[\"abc\"]}"))
                .isEqualTo("field 'acl[0]' is 3 bytes, more than the limit of 2");
        assertThat(
                        reasonWith(
                                small,
                                null,
                                "{\"id\":\"a\",\"text\":\"x\",\"metadata\":{\"k\":\"0123456789\"}}"))
                .isEqualTo("field 'metadata' is 18 bytes as JSON, more than the limit of 10");
        assertThat(reasonWith(small, "12345", null))
                .isEqualTo("key is 5 bytes, more than the id limit of 4");
    }

    @Test
    void rejectsInvalidUtf8AndBadJson() {
        byte[] bad = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> DocumentJson.parse(b("d1"), bad, 0, LIMITS))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("invalid UTF-8 in value at byte 7");
        assertThatThrownBy(
                        () ->
                                DocumentJson.parse(
                                        new byte[] {(byte) 0xFF},
                                        b("{\"id\":\"x\",\"text\":\"y\"}"),
                                        0,
                                        LIMITS))
                .hasMessage("invalid UTF-8 in key at byte 0");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"x\"")).startsWith("bad JSON: ");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"x\"} {}")).startsWith("bad JSON: ");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"x\",\"text\":\"y\"}"))
                .startsWith("bad JSON: Duplicate field 'text'");
        assertThat(reason("d1", "{'id':'d1'}"))
                .startsWith("bad JSON: ")
                .contains("line 1 column 2");
        assertThat(reason("d1", "")).isEqualTo("bad JSON: empty value");
        assertThat(reason("d1", "{\"id\":\"d1\",\"text\":\"\\ud800x\"}"))
                .isEqualTo("field 'text' contains an unpaired surrogate \\uD800 at char 0");
    }

    @Test
    void keyMustMatchId() {
        assertThat(reason("d2", "{\"id\":\"d1\",\"text\":\"x\"}"))
                .isEqualTo("key 'd2' does not match field 'id' 'd1'");
        assertThat(reason("d2", "{\"id\":\"d1\",\"deleted\":true}"))
                .isEqualTo("key 'd2' does not match field 'id' 'd1'");
    }

    @Test
    void rejectsBadDeletes() {
        assertThat(reason(null, null))
                .isEqualTo("tombstone (null value) without a key: no document to delete");
        assertThat(reason("", null)).isEqualTo("tombstone key is empty: no document to delete");
        assertThat(reason("d1", "{\"id\":\"d1\",\"deleted\":true,\"text\":\"x\"}"))
                .isEqualTo("a delete (\"deleted\":true) carries only id and version, not 'text'");
    }

    @Test
    void roundTrips() throws Exception {
        Document d =
                new Document(
                        "d1",
                        5,
                        "Tïtle",
                        "text ✓ 😀",
                        "http://u",
                        new String[] {"g1"},
                        "{\"a\":1}");
        Document back = DocumentJson.parse(b("d1"), DocumentJson.toBytes(d), 0, LIMITS).upsert;
        assertThat(back).usingRecursiveComparison().isEqualTo(d);
        DocumentEvent del = DocumentJson.parse(null, DocumentJson.deleteBytes("d1"), 3, LIMITS);
        assertThat(del.isDelete()).isTrue();
        assertThat(del.version()).isEqualTo(3);
    }
}
