package dev.gemrag.connectors.kafka;

import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.Question;

/**
 * What the questions source emits for each Kafka record: exactly one of {@code question} or {@code
 * deadLetter} is set. A POJO so Flink serialises it without Kryo.
 */
public final class ParsedQuestion implements Parsed<Question> {
    public Question question;
    public DeadLetter deadLetter;

    public ParsedQuestion() {}

    public static ParsedQuestion valid(Question question) {
        ParsedQuestion p = new ParsedQuestion();
        p.question = question;
        return p;
    }

    public static ParsedQuestion invalid(DeadLetter deadLetter) {
        ParsedQuestion p = new ParsedQuestion();
        p.deadLetter = deadLetter;
        return p;
    }

    @Override
    public Question value() {
        return question;
    }

    @Override
    public DeadLetter deadLetter() {
        return deadLetter;
    }
}
