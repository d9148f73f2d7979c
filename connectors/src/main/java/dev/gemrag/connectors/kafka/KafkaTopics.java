package dev.gemrag.connectors.kafka;

/** Default topic names; every builder takes others. */
public final class KafkaTopics {
    public static final String DOCUMENTS = "documents";
    public static final String QUESTIONS = "questions";
    public static final String ANSWERS = "answers";
    public static final String DEAD_LETTERS = "dead-letters";

    private KafkaTopics() {}

    static String requireName(String topic, String example) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException(
                    "topic is not set: pass a topic name such as \"" + example + "\"");
        }
        return topic;
    }
}
