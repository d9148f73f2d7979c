package dev.gemrag.connectors.kafka;

import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.json.DocumentJson;
import dev.gemrag.connectors.records.json.InvalidRecordException;
import dev.gemrag.connectors.records.json.RecordLimits;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the documents topic (see {@link DocumentJson} for the contract). Never throws: a record
 * that breaks the contract becomes a {@link ParsedDocument#invalid dead letter} with its raw bytes,
 * so one bad record cannot stop or restart-loop the job.
 */
public final class DocumentDeserializer
        implements KafkaRecordDeserializationSchema<ParsedDocument> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DocumentDeserializer.class);

    private final RecordLimits limits;

    public DocumentDeserializer(RecordLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException(
                    "limits must not be null: pass RecordLimits.defaults()");
        }
        this.limits = limits;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedDocument> out) {
        out.collect(parse(record, limits));
    }

    static ParsedDocument parse(ConsumerRecord<byte[], byte[]> record, RecordLimits limits) {
        try {
            return ParsedDocument.valid(
                    DocumentJson.parse(record.key(), record.value(), record.offset(), limits));
        } catch (InvalidRecordException e) {
            return ParsedDocument.invalid(deadLetter(record, e.reason()));
        } catch (RuntimeException e) {
            // A bug in the parser must not turn into a job restart loop on the same record.
            LOG.error(
                    "unexpected parser failure for {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.toString());
            return ParsedDocument.invalid(deadLetter(record, "unexpected parser failure: " + e));
        }
    }

    static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
        return new DeadLetter(
                record.topic(),
                record.partition(),
                record.offset(),
                record.key(),
                record.value(),
                reason,
                DeadLetterStage.PARSE);
    }

    @Override
    public TypeInformation<ParsedDocument> getProducedType() {
        return TypeInformation.of(ParsedDocument.class);
    }
}
