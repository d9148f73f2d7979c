package dev.gemrag.pipeline.cli;

import static dev.gemrag.pipeline.config.GemragOptions.TOPIC_DOCUMENTS;

import dev.gemrag.pipeline.client.DocumentFiles;
import dev.gemrag.pipeline.client.KafkaClients;
import dev.gemrag.pipeline.config.GemragConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description =
                "Send documents to the documents topic: .txt, .md, .html files (id = path) or .jsonl (one document JSON per line).")
public final class IngestCommand implements Callable<Integer> {
    @Mixin ConfigMixin config;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories.")
    List<Path> paths;

    @Option(
            names = "--acl",
            split = ",",
            paramLabel = "GROUP",
            description =
                    "Groups allowed to read the text/Markdown/HTML documents (JSONL lines carry their own).")
    List<String> acl = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        GemragConfig c = config.load();
        List<DocumentFiles.Record> records = DocumentFiles.read(paths, acl);
        String topic = c.get(TOPIC_DOCUMENTS);
        try (KafkaProducer<String, String> producer = KafkaClients.producer(c)) {
            List<Future<?>> sent = new ArrayList<>();
            for (DocumentFiles.Record r : records) {
                sent.add(producer.send(new ProducerRecord<>(topic, r.key(), r.value())));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
        System.out.println("sent " + records.size() + " documents to topic '" + topic + "'");
        return 0;
    }
}
