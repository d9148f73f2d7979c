package dev.gemrag.connectors.kafka;

import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.json.InvalidRecordException;
import dev.gemrag.connectors.records.json.RecordLimits;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;

/**
 * What the documents and questions deserializers share: the limits check, one parse per record that
 * never throws (a record that breaks the contract becomes a dead letter with its raw bytes, so one
 * bad record cannot stop or restart-loop the job) and the produced type.
 */
abstract class ParsingDeserializer<T> implements KafkaRecordDeserializationSchema<T> {
    private static final long serialVersionUID = 1L;

    /** The topic's contract: a record into a valid {@code T}, or the reason it is invalid. */
    interface Contract<T> {
        T valid(ConsumerRecord<byte[], byte[]> record) throws InvalidRecordException;
    }

    private final RecordLimits limits;
    private final Class<T> type;

    ParsingDeserializer(RecordLimits limits, Class<T> type) {
        if (limits == null) {
            throw new IllegalArgumentException(
                    "limits must not be null: pass RecordLimits.defaults()");
        }
        this.limits = limits;
        this.type = type;
    }

    /** One record, parsed with {@code limits}; never throws. */
    abstract T parseOne(ConsumerRecord<byte[], byte[]> record, RecordLimits limits);

    @Override
    public final void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) {
        out.collect(parseOne(record, limits));
    }

    @Override
    public final TypeInformation<T> getProducedType() {
        return TypeInformation.of(type);
    }

    /**
     * {@code contract} applied to {@code record}; any failure becomes {@code invalid(deadLetter)}.
     */
    static <T> T parse(
            ConsumerRecord<byte[], byte[]> record,
            Contract<T> contract,
            Function<DeadLetter, T> invalid,
            Logger log) {
        try {
            return contract.valid(record);
        } catch (InvalidRecordException e) {
            return invalid.apply(deadLetter(record, e.reason()));
        } catch (RuntimeException e) {
            // A bug in the parser must not turn into a job restart loop on the same record.
            log.error(
                    "unexpected parser failure for {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.toString());
            return invalid.apply(deadLetter(record, "unexpected parser failure: " + e));
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
}
