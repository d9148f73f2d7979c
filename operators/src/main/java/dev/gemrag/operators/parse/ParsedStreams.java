package dev.gemrag.operators.parse;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import dev.gemrag.connectors.kafka.ParsedDocument;
import dev.gemrag.connectors.kafka.ParsedQuestion;
import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.Question;

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
public record ParsedStreams<T>(SingleOutputStreamOperator<T> valid, DataStream<DeadLetter> deadLetters) {

    /** Operator name and uid "parse-documents". */
    public static ParsedStreams<DocumentEvent> documents(DataStream<ParsedDocument> parsed) {
        SingleOutputStreamOperator<DocumentEvent> valid = parsed
                .process(new ParsedDocumentSplitter(), TypeInformation.of(DocumentEvent.class))
                .name("parse-documents").uid("parse-documents");
        return new ParsedStreams<>(valid, valid.getSideOutput(DeadLetterOutput.TAG));
    }

    /** Operator name and uid "parse-questions". */
    public static ParsedStreams<Question> questions(DataStream<ParsedQuestion> parsed) {
        SingleOutputStreamOperator<Question> valid = parsed
                .process(new ParsedQuestionSplitter(), TypeInformation.of(Question.class))
                .name("parse-questions").uid("parse-questions");
        return new ParsedStreams<>(valid, valid.getSideOutput(DeadLetterOutput.TAG));
    }
}
