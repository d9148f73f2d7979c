package dev.gemrag.connectors.kafka;

import dev.gemrag.connectors.records.json.QuestionJson;
import dev.gemrag.connectors.records.json.RecordLimits;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the questions topic (contract: {@link QuestionJson}). Never throws: bad records become dead
 * letters.
 */
public final class QuestionDeserializer extends ParsingDeserializer<ParsedQuestion> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(QuestionDeserializer.class);

    public QuestionDeserializer(RecordLimits limits) {
        super(limits, ParsedQuestion.class);
    }

    @Override
    ParsedQuestion parseOne(ConsumerRecord<byte[], byte[]> record, RecordLimits limits) {
        return parse(record, limits);
    }

    static ParsedQuestion parse(ConsumerRecord<byte[], byte[]> record, RecordLimits limits) {
        return parse(
                record,
                r -> ParsedQuestion.valid(QuestionJson.parse(r.value(), limits)),
                ParsedQuestion::invalid,
                LOG);
    }
}
