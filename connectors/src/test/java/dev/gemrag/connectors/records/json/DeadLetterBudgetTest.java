package dev.gemrag.connectors.records.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gemrag.connectors.records.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DeadLetterBudgetTest {
    static final DeadLetterBudget BUDGET =
            new DeadLetterBudget(DeadLetterBudget.KAFKA_DEFAULT_MAX_REQUEST_BYTES);

    static DeadLetter letter(byte[] key, byte[] value, String reason) {
        return new DeadLetter("documents", 3, 41L, key, value, reason, "parse");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static JsonNode json(DeadLetterBudget.Encoded e) throws Exception {
        return StrictJson.MAPPER.readTree(e.value());
    }

    @Test
    void aSmallDeadLetterIsWrittenUnchanged() {
        DeadLetter d = letter(utf8("k"), utf8("{\"id\":1}"), "field 'id' must be a string");
        DeadLetterBudget.Encoded e = BUDGET.encode(d);
        assertThat(e.key()).isEqualTo(utf8("k"));
        assertThat(e.value()).isEqualTo(DeadLetterJson.toBytes(d));
    }

    @Test
    void exactlyAtTheLimitIsKeptWholeOneByteOverIsCutAndSaysSo() throws Exception {
        byte[] key = utf8("doc-1");
        // find the value length whose dead letter is exactly the limit (a letter's size grows 1:1
        // with ASCII text)
        int probe = DeadLetterJson.toBytes(letter(key, new byte[0], "r")).length + key.length;
        int atLimit = BUDGET.maxRecordBytes() - probe;
        byte[] value = new byte[atLimit];
        Arrays.fill(value, (byte) 'a');
        DeadLetterBudget.Encoded whole = BUDGET.encode(letter(key, value, "r"));
        assertThat(whole.size()).isEqualTo(BUDGET.maxRecordBytes());
        assertThat(json(whole).has("value_truncated")).isFalse();
        assertThat(DeadLetterJson.parse(whole.value()).value()).isEqualTo(value);

        byte[] over = Arrays.copyOf(value, atLimit + 1);
        over[atLimit] = 'a';
        DeadLetterBudget.Encoded cut = BUDGET.encode(letter(key, over, "r"));
        assertThat(cut.size()).isLessThanOrEqualTo(BUDGET.maxRecordBytes());
        JsonNode j = json(cut);
        assertThat(j.get("value_truncated").asBoolean()).isTrue();
        assertThat(j.get("value_size").asInt()).isEqualTo(atLimit + 1);
        assertThat(j.get("reason").asText()).isEqualTo("r");
        assertThat(j.get("topic").asText()).isEqualTo("documents");
        assertThat(j.get("partition").asInt()).isEqualTo(3);
        assertThat(j.get("offset").asLong()).isEqualTo(41L);
        assertThat(j.get("key").asText()).isEqualTo("doc-1");
        byte[] kept = DeadLetterJson.parse(cut.value()).value();
        assertThat(kept.length).isBetween(atLimit - 200, atLimit);
        assertThat(kept).isEqualTo(Arrays.copyOf(over, kept.length));
    }

    @Test
    void aValueJustUnderTheTextLimitWithOneInvalidByteIsCutInBase64() throws Exception {
        // the poison of issue 11: ~1 MiB with one bad byte, base64 in the dead letter = 1.33 MiB
        byte[] value = new byte[RecordLimits.defaults().maxTextBytes() - 10];
        Arrays.fill(value, (byte) 'x');
        value[500] = (byte) 0xC3;
        value[501] = (byte) 0x28;
        DeadLetterBudget.Encoded e =
                BUDGET.encode(letter(utf8("big"), value, "invalid UTF-8 in value at byte 500"));
        assertThat(e.size()).isLessThanOrEqualTo(BUDGET.maxRecordBytes());
        JsonNode j = json(e);
        assertThat(j.get("value_encoding").asText()).isEqualTo("base64");
        assertThat(j.get("value_size").asInt()).isEqualTo(value.length);
        byte[] kept = DeadLetterJson.parse(e.value()).value();
        assertThat(kept.length)
                .isGreaterThan(700_000); // most of what fits in 1 MiB as base64 (3/4)
        assertThat(kept).isEqualTo(Arrays.copyOf(value, kept.length));
    }

    @Test
    void escapesAndMultiByteTextAreCountedAndTheCutStaysValidText() throws Exception {
        String controls = "\u0001".repeat(400_000); // 6 bytes each in JSON
        DeadLetterBudget.Encoded e =
                BUDGET.encode(letter(null, utf8(controls), "unknown field 'x'"));
        assertThat(e.size()).isLessThanOrEqualTo(BUDGET.maxRecordBytes());
        assertThat(json(e).get("value").asText()).hasSizeGreaterThan(150_000).matches("\u0001+");

        String accents = "é".repeat(700_000); // 2 bytes each: the cut must not split one
        DeadLetterBudget.Encoded a = BUDGET.encode(letter(null, utf8(accents), "r"));
        assertThat(a.size()).isLessThanOrEqualTo(BUDGET.maxRecordBytes());
        JsonNode j = json(a);
        assertThat(j.get("value_encoding").asText()).isEqualTo("utf-8");
        assertThat(j.get("value").asText()).matches("é+");
        assertThat(j.get("value_size").asInt()).isEqualTo(1_400_000);
    }

    @Test
    void aHugeKeyAndReasonAreCutTooTheRestIsKept() throws Exception {
        byte[] key = new byte[900_000];
        Arrays.fill(key, (byte) 'k');
        String reason = "key '" + "k".repeat(10_000) + "' does not match field 'id' 'a'";
        DeadLetterBudget.Encoded e =
                BUDGET.encode(letter(key, utf8("{\"id\":\"a\",\"text\":\"t\"}"), reason));
        assertThat(e.size()).isLessThanOrEqualTo(BUDGET.maxRecordBytes());
        assertThat(e.key()).hasSize(DeadLetterBudget.KAFKA_DEFAULT_MAX_REQUEST_BYTES / 8);
        JsonNode j = json(e);
        assertThat(j.get("key_truncated").asBoolean()).isTrue();
        assertThat(j.get("key_size").asInt()).isEqualTo(900_000);
        assertThat(j.get("reason").asText())
                .hasSize(DeadLetterBudget.MAX_REASON_CHARS + "... (reason cut)".length())
                .startsWith("key 'kkk")
                .doesNotContain("\n");
        assertThat(j.get("value").asText())
                .isEqualTo("{\"id\":\"a\",\"text\":\"t\"}"); // it fitted: kept whole
        assertThat(j.has("value_truncated")).isFalse();
        assertThat(DeadLetterJson.parse(e.value()).stage()).isEqualTo("parse");
    }

    @Test
    void aSmallerProducerLimitIsHonouredAndATinyOneRefused() {
        DeadLetterBudget small = new DeadLetterBudget(100_000);
        byte[] value = new byte[500_000];
        Arrays.fill(value, (byte) '"'); // escaped: 2 bytes each
        assertThat(small.encode(letter(utf8("k"), value, "r")).size())
                .isLessThanOrEqualTo(small.maxRecordBytes());
        assertThatThrownBy(() -> new DeadLetterBudget(1000))
                .hasMessage(
                        "max.request.size 1000 of the dead-letter "
                                + "producer is too small for dead letters: at least 65536");
    }
}
