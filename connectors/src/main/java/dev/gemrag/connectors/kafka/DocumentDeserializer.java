package dev.gemrag.connectors.kafka;

import dev.gemrag.connectors.records.json.DocumentJson;
import dev.gemrag.connectors.records.json.RecordLimits;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the documents topic (see {@link DocumentJson} for the contract). Never throws: a record
 * that breaks the contract becomes a {@link ParsedDocument#invalid dead letter} with its raw bytes,
 * so one bad record cannot stop or restart-loop the job.
 */
public final class DocumentDeserializer extends ParsingDeserializer<ParsedDocument> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DocumentDeserializer.class);

    public DocumentDeserializer(RecordLimits limits) {
        super(limits, ParsedDocument.class);
    }

    @Override
    ParsedDocument parseOne(ConsumerRecord<byte[], byte[]> record, RecordLimits limits) {
        return parse(record, limits);
    }

    static ParsedDocument parse(ConsumerRecord<byte[], byte[]> record, RecordLimits limits) {
        return parse(
                record,
                r ->
                        ParsedDocument.valid(
                                DocumentJson.parse(r.key(), r.value(), r.offset(), limits)),
                ParsedDocument::invalid,
                LOG);
    }
}
