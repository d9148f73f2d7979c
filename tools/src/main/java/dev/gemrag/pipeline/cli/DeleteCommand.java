package dev.gemrag.pipeline.cli;

import static dev.gemrag.pipeline.config.GemragOptions.TOPIC_DOCUMENTS;

import dev.gemrag.pipeline.client.KafkaClients;
import dev.gemrag.pipeline.config.GemragConfig;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "delete",
        mixinStandardHelpOptions = true,
        description =
                "Delete documents: sends a tombstone (key = id, null value) per id to the documents topic.")
public final class DeleteCommand implements Callable<Integer> {
    @Mixin ConfigMixin config;

    @Parameters(arity = "1..*", paramLabel = "ID", description = "Document ids.")
    List<String> ids;

    @Override
    public Integer call() throws Exception {
        GemragConfig c = config.load();
        String topic = c.get(TOPIC_DOCUMENTS);
        try (KafkaProducer<String, String> producer = KafkaClients.producer(c)) {
            for (String id : ids) {
                if (id.isBlank()) {
                    throw new IllegalArgumentException("document id must not be empty");
                }
                producer.send(new ProducerRecord<>(topic, id, null)).get();
            }
        }
        System.out.println("sent " + ids.size() + " delete(s) to topic '" + topic + "'");
        return 0;
    }
}
