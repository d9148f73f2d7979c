package dev.gemrag.connectors.kafka;

import dev.gemrag.connectors.records.json.InvalidRecordException;
import dev.gemrag.connectors.records.json.QuestionJson;
import dev.gemrag.connectors.records.json.RecordLimits;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the questions topic (contract: {@link QuestionJson}). Never throws: bad records become dead
 * letters.
 */
public final class QuestionDeserializer
        implements KafkaRecordDeserializationSchema<ParsedQuestion> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(QuestionDeserializer.class);

    private final RecordLimits limits;

    public QuestionDeserializer(RecordLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException(
                    "limits must not be null: pass RecordLimits.defaults()");
        }
        this.limits = limits;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedQuestion> out) {
        out.collect(parse(record, limits));
    }

    static ParsedQuestion parse(ConsumerRecord<byte[], byte[]> record, RecordLimits limits) {
        try {
            return ParsedQuestion.valid(QuestionJson.parse(record.value(), limits));
        } catch (InvalidRecordException e) {
            return ParsedQuestion.invalid(DocumentDeserializer.deadLetter(record, e.reason()));
        } catch (RuntimeException e) {
            LOG.error(
                    "unexpected parser failure for {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.toString());
            return ParsedQuestion.invalid(
                    DocumentDeserializer.deadLetter(record, "unexpected parser failure: " + e));
        }
    }

    @Override
    public TypeInformation<ParsedQuestion> getProducedType() {
        return TypeInformation.of(ParsedQuestion.class);
    }
}
