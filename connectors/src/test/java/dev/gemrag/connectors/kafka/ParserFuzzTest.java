package dev.gemrag.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.json.DeadLetterBudget;
import dev.gemrag.connectors.records.json.DeadLetterJson;
import dev.gemrag.connectors.records.json.RecordLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzzer for the document and question parsers: 10,000 records of random bytes, truncated
 * and mutated JSON, huge and deeply nested values, fields of the wrong type, hostile ids and ACL
 * strings. Every record either parses or becomes a dead letter whose reason is one line, never an
 * escaped exception nor the parsers' safety net ("unexpected parser failure"), and whose dead
 * letter fits the dead-letter producer's request limit. A failure prints the seed and case number
 * to replay it.
 */
class ParserFuzzTest {
    static final long SEED = 20261201L;
    static final int CASES = 10_000;
    static final RecordLimits LIMITS = RecordLimits.defaults();
    static final DeadLetterBudget BUDGET =
            new DeadLetterBudget(DeadLetterBudget.KAFKA_DEFAULT_MAX_REQUEST_BYTES);

    static final String[] HOSTILE = {
        "",
        " ",
        "\u0000",
        "a\u0000b",
        "\"",
        "\\",
        "x\" or doc_id != \"",
        "' OR 1=1 --",
        "${jndi:ldap://x}",
        "\u202Eevil",
        "\uD83D\uDE00",
        "\uD800",
        "文档",
        "a\nb",
        "a\r\nb",
        "\t",
        "null",
        "[]",
        "{}",
        "#",
        "doc#1",
        "../../etc/passwd",
        "%s%n",
        "\u00A0",
        "\uFEFF",
        "a".repeat(600),
        "é".repeat(300),
        "staff\u0007",
        "ACL\u001F",
        "\u007F",
        "\u0085"
    };
    static final String[] DOC_FIELDS = {
        "id", "version", "title", "text", "url", "acl", "metadata", "deleted"
    };
    static final String[] QUESTION_FIELDS = {"id", "question", "groups", "top_k", "max_tokens"};

    @Test
    void tenThousandHostileRecordsParseOrBecomeOneLineDeadLetters() {
        Random rnd = new Random(SEED);
        int valid = 0;
        int dead = 0;
        List<String> reasons = new ArrayList<>();
        for (int n = 0; n < CASES; n++) {
            boolean question = n % 2 == 1;
            byte[] key = rnd.nextInt(4) == 0 ? null : bytes(hostileOrRandom(rnd));
            if (!question && rnd.nextInt(10) == 0) {
                key = randomBytes(rnd, rnd.nextInt(40)); // invalid UTF-8 keys too
            }
            byte[] value = value(rnd, question);
            ConsumerRecord<byte[], byte[]> record =
                    new ConsumerRecord<>(question ? "questions" : "documents", 0, n, key, value);
            DeadLetter d;
            try {
                if (question) {
                    ParsedQuestion p = QuestionDeserializer.parse(record, LIMITS);
                    assertThat(p.question == null)
                            .as("exactly one of question/dead letter, case %d", n)
                            .isNotEqualTo(p.deadLetter == null);
                    d = p.deadLetter;
                } else {
                    ParsedDocument p = DocumentDeserializer.parse(record, LIMITS);
                    assertThat(p.event == null)
                            .as("exactly one of event/dead letter, case %d", n)
                            .isNotEqualTo(p.deadLetter == null);
                    d = p.deadLetter;
                }
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + SEED + " case " + n + ": parser threw " + e, e);
            }
            if (d == null) {
                valid++;
                continue;
            }
            dead++;
            String reason = d.reason();
            assertThat(reason)
                    .as("seed %d case %d", SEED, n)
                    .isNotBlank()
                    .doesNotContain("\n", "\r")
                    .doesNotStartWith("unexpected parser failure");
            assertThat(reason.length())
                    .as("reason length, case %d: %s", n, reason)
                    .isLessThan(1000);
            assertThat(d.stage()).isEqualTo("parse");
            DeadLetterBudget.Encoded e = BUDGET.encode(d);
            assertThat(e.size()).isLessThanOrEqualTo(BUDGET.maxRecordBytes());
            try {
                assertThat(DeadLetterJson.parse(e.value()).reason()).isNotBlank();
            } catch (Exception ex) {
                throw new AssertionError(
                        "case " + n + ": dead letter does not read back: " + ex, ex);
            }
            if (reasons.size() < 5) {
                reasons.add(reason);
            }
        }
        assertThat(valid + dead).isEqualTo(CASES);
        // the generator must reach both outcomes, or the fuzzer proves little
        assertThat(valid).as("valid records").isGreaterThan(CASES / 20);
        assertThat(dead).as("dead letters").isGreaterThan(CASES / 2);
    }

    static byte[] value(Random rnd, boolean question) {
        return switch (rnd.nextInt(9)) {
            case 0 -> randomBytes(rnd, rnd.nextInt(300));
            case 1 -> truncate(rnd, good(rnd, question));
            case 2 -> mutate(rnd, good(rnd, question));
            case 3 -> bytes(wrongType(rnd, question));
            case 4 -> rnd.nextInt(25) == 0 ? bytes(huge(rnd, question)) : good(rnd, question);
            case 5 -> bytes(nested(rnd, question));
            case 6 -> rnd.nextInt(20) == 0 ? null : bytes(hostileFields(rnd, question));
            case 7 -> bytes(hostileFields(rnd, question));
            default -> good(rnd, question);
        };
    }

    static byte[] good(Random rnd, boolean question) {
        if (question) {
            return bytes(
                    "{\"id\":"
                            + q("q" + rnd.nextInt(1000))
                            + ",\"question\":"
                            + q("how do I copy " + rnd.nextInt())
                            + ",\"groups\":[\"staff\",\"eng\"],\"top_k\":"
                            + (1 + rnd.nextInt(20))
                            + ",\"max_tokens\":"
                            + (1 + rnd.nextInt(100))
                            + "}");
        }
        return bytes(
                "{\"id\":"
                        + q("d" + rnd.nextInt(1000))
                        + ",\"version\":"
                        + rnd.nextInt(100)
                        + ",\"title\":\"T\","
                        + "\"text\":"
                        + q("some text " + rnd.nextLong())
                        + ",\"url\":\"http://x/y\",\"acl\":[\"staff\"],"
                        + "\"metadata\":{\"k\":[1,2,{\"z\":null}]}}");
    }

    static byte[] truncate(Random rnd, byte[] v) {
        return java.util.Arrays.copyOf(v, rnd.nextInt(v.length + 1));
    }

    static final byte[] JSON_BYTES = "{}[]\",:\\0e-.".getBytes(StandardCharsets.UTF_8);

    static byte[] mutate(Random rnd, byte[] v) {
        List<Byte> b = new ArrayList<>();
        for (byte x : v) {
            b.add(x);
        }
        int edits = 1 + rnd.nextInt(6);
        for (int i = 0; i < edits && !b.isEmpty(); i++) {
            int at = rnd.nextInt(b.size());
            switch (rnd.nextInt(3)) {
                case 0 -> b.set(at, (byte) rnd.nextInt(256));
                case 1 -> b.remove(at);
                default -> b.add(at, JSON_BYTES[rnd.nextInt(JSON_BYTES.length)]);
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    static final String[] WRONG = {
        "null",
        "true",
        "0",
        "-1",
        "1e308",
        "1.5",
        "99999999999999999999999",
        "\"\"",
        "\"x\"",
        "[]",
        "[1]",
        "[null]",
        "[\"a\",1]",
        "{}",
        "{\"a\":1}",
        "NaN",
        "\"\\u0000\""
    };

    static String wrongType(Random rnd, boolean question) {
        String[] fields = question ? QUESTION_FIELDS : DOC_FIELDS;
        StringBuilder sb = new StringBuilder("{");
        for (String f : fields) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            String v = rnd.nextInt(3) == 0 ? WRONG[rnd.nextInt(WRONG.length)] : sane(f);
            sb.append(q(f)).append(':').append(v);
        }
        if (rnd.nextInt(8) == 0) {
            sb.append(",\"")
                    .append(rnd.nextBoolean() ? "id" : "extra")
                    .append("\":1"); // duplicate or unknown key
        }
        return sb.append('}').toString();
    }

    static String sane(String field) {
        return switch (field) {
            case "version", "top_k", "max_tokens" -> "3";
            case "acl", "groups" -> "[\"staff\"]";
            case "metadata" -> "{}";
            case "deleted" -> "false";
            default -> "\"v\"";
        };
    }

    static String huge(Random rnd, boolean question) {
        if (question) {
            int n = LIMITS.maxQuestionBytes() + rnd.nextInt(3) - 1; // at, under and over the limit
            return "{\"id\":\"q\",\"question\":\"" + "w".repeat(n) + "\"}";
        }
        return switch (rnd.nextInt(4)) {
            case 0 ->
                    "{\"id\":\"d\",\"text\":\""
                            + "t".repeat(LIMITS.maxTextBytes() + rnd.nextInt(3) - 1)
                            + "\"}";
            case 1 ->
                    "{\"id\":\""
                            + "i".repeat(LIMITS.maxIdBytes() + rnd.nextInt(3) - 1)
                            + "\",\"text\":\"t\"}";
            case 2 ->
                    "{\"id\":\"d\",\"text\":\"t\",\"acl\":["
                            + String.join(
                                    ",",
                                    java.util.Collections.nCopies(
                                            LIMITS.maxGroups() + rnd.nextInt(3) - 1, "\"g\""))
                            + "]}";
            default ->
                    "{\"id\":\"d\",\"text\":\"t\",\"metadata\":{\"k\":\""
                            + "m".repeat(LIMITS.maxMetadataBytes() + rnd.nextInt(3) - 10)
                            + "\"}}";
        };
    }

    static String nested(Random rnd, boolean question) {
        int depth = rnd.nextInt(4) == 0 ? 100_000 : 1 + rnd.nextInt(3000);
        String open = rnd.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String deep =
                open.repeat(depth) + "1" + close.repeat(rnd.nextInt(5) == 0 ? depth / 2 : depth);
        if (question) {
            return "{\"id\":\"q\",\"question\":\"x\",\"groups\":" + deep + "}";
        }
        return "{\"id\":\"d\",\"text\":\"t\",\"metadata\":{\"m\":" + deep + "}}";
    }

    static String hostileFields(Random rnd, boolean question) {
        String id = hostileOrRandom(rnd);
        String groups =
                "["
                        + q(hostileOrRandom(rnd))
                        + (rnd.nextBoolean() ? "," + q(hostileOrRandom(rnd)) : "")
                        + "]";
        if (question) {
            return "{\"id\":"
                    + q(id)
                    + ",\"question\":"
                    + q(hostileOrRandom(rnd) + "?")
                    + ",\"groups\":"
                    + groups
                    + "}";
        }
        return "{\"id\":"
                + q(id)
                + ",\"text\":"
                + q("text " + hostileOrRandom(rnd))
                + ",\"title\":"
                + q(hostileOrRandom(rnd))
                + ",\"acl\":"
                + groups
                + "}";
    }

    static String hostileOrRandom(Random rnd) {
        if (rnd.nextInt(3) > 0) {
            return HOSTILE[rnd.nextInt(HOSTILE.length)];
        }
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(20);
        for (int i = 0; i < n; i++) {
            sb.append((char) rnd.nextInt(0x3000));
        }
        return sb.toString();
    }

    /**
     * A JSON string literal; lone surrogates pass through as \\u escapes (valid JSON, broken
     * UTF-16).
     */
    static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
