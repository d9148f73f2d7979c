package dev.gemrag.connectors.kafka;

/** The {@code stage} values a dead letter carries: where the record was given up on. */
public final class DeadLetterStage {
    /** JSON/UTF-8/contract validation when reading a topic. */
    public static final String PARSE = "parse";

    public static final String CHUNK = "chunk";
    public static final String EMBED = "embed";
    public static final String INDEX = "index";
    public static final String ANSWER = "answer";

    private DeadLetterStage() {}
}
