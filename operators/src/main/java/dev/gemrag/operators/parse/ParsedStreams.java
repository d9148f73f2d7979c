package dev.gemrag.operators.parse;

import dev.gemrag.connectors.kafka.Parsed;
import dev.gemrag.connectors.kafka.ParsedDocument;
import dev.gemrag.connectors.kafka.ParsedQuestion;
import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.Question;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The parse step of the jobs: a source's output split into valid records and dead letters.
 *
 * <pre>{@code
 * DataStream<ParsedDocument> raw = env.fromSource(KafkaSources.documents()...build(), noWatermarks(), "documents");
 * ParsedStreams<DocumentEvent> docs = ParsedStreams.documents(raw);
 * docs.valid().keyBy(DocumentEvent::id)...;
 * docs.deadLetters().sinkTo(KafkaSinks.deadLetters()...build());
 * }</pre>
 */
public record ParsedStreams<T>(
        SingleOutputStreamOperator<T> valid, DataStream<DeadLetter> deadLetters) {

    /** Operator name and uid "parse-documents". */
    public static ParsedStreams<DocumentEvent> documents(DataStream<ParsedDocument> parsed) {
        return split(parsed, DocumentEvent.class, "parse-documents");
    }

    /** Operator name and uid "parse-questions". */
    public static ParsedStreams<Question> questions(DataStream<ParsedQuestion> parsed) {
        return split(parsed, Question.class, "parse-questions");
    }

    private static <P extends Parsed<T>, T> ParsedStreams<T> split(
            DataStream<P> parsed, Class<T> type, String uid) {
        SingleOutputStreamOperator<T> valid =
                parsed.process(new ParsedSplitter<P, T>(), TypeInformation.of(type))
                        .name(uid)
                        .uid(uid);
        return new ParsedStreams<>(valid, valid.getSideOutput(DeadLetterOutput.TAG));
    }
}
