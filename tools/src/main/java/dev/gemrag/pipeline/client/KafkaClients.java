package dev.gemrag.pipeline.client;

import static dev.gemrag.pipeline.config.GemragOptions.KAFKA_BOOTSTRAP_SERVERS;

import dev.gemrag.pipeline.config.GemragConfig;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients for the CLI (ingest, delete, ask), configured like the job. */
public final class KafkaClients {
    private KafkaClients() {}

    public static KafkaProducer<String, String> producer(GemragConfig config) {
        Properties p = base(config);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return new KafkaProducer<>(p);
    }

    public static KafkaConsumer<String, String> consumer(GemragConfig config) {
        Properties p = base(config);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p);
    }

    private static Properties base(GemragConfig config) {
        Properties p = new Properties();
        p.putAll(config.kafkaProperties());
        p.put("bootstrap.servers", config.get(KAFKA_BOOTSTRAP_SERVERS));
        return p;
    }
}
