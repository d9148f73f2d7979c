package dev.gemrag.connectors.kafka;

import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.Document;
import dev.gemrag.connectors.records.Question;
import dev.gemrag.connectors.records.json.DocumentJson;
import dev.gemrag.connectors.records.json.QuestionJson;
import java.nio.charset.StandardCharsets;

/**
 * Dead letters for records that parsed but failed later (chunk, embed, index, answer), when the
 * Kafka position is no longer known: partition and offset are -1, key is the id, value is the
 * record re-encoded in its topic's JSON so it can be produced again as it is.
 */
public final class DeadLetters {
    /** Partition and offset of a dead letter whose Kafka position is not known. */
    public static final int UNKNOWN_PARTITION = -1;

    public static final long UNKNOWN_OFFSET = -1L;

    private DeadLetters() {}

    public static DeadLetter forDocument(
            String topic, Document document, String reason, String stage) {
        return forRecord(topic, document.id(), DocumentJson.toBytes(document), reason, stage);
    }

    public static DeadLetter forQuestion(
            String topic, Question question, String reason, String stage) {
        return forRecord(topic, question.id(), QuestionJson.toBytes(question), reason, stage);
    }

    /** A record that was parsed (so its Kafka position is gone), keyed by its id, as JSON. */
    private static DeadLetter forRecord(
            String topic, String id, byte[] json, String reason, String stage) {
        return new DeadLetter(
                topic, UNKNOWN_PARTITION, UNKNOWN_OFFSET, utf8(id), json, oneLine(reason), stage);
    }

    /** Reasons are one line: exception messages may span several. */
    public static String oneLine(String reason) {
        if (reason == null || reason.isBlank()) {
            return "unknown failure";
        }
        return reason.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
