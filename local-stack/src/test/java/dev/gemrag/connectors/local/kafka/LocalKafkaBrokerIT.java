package dev.gemrag.connectors.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real KRaft broker in this JVM: produce, consume, topics, restart on the same data directory.
 */
class LocalKafkaBrokerIT {

    @Test
    void producesAndConsumesAndKeepsDataAcrossRestart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka");
        int port;
        try (LocalKafkaBroker kafka = LocalKafkaBroker.builder().dataDir(data).start()) {
            port = kafka.port();
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            kafka.createTopics(2, "t1", "t2");
            kafka.createTopics(2, "t1"); // existing topic: no error
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                assertThat(admin.listTopics().names().get()).contains("t1", "t2");
                assertThat(
                                admin.describeTopics(List.of("t1"))
                                        .allTopicNames()
                                        .get()
                                        .get("t1")
                                        .partitions())
                        .hasSize(2);
            }
            produce(kafka.bootstrapServers(), "t1", "k1", "hello");
            assertThat(consume(kafka.bootstrapServers(), "t1", 1)).containsExactly("k1=hello");
        }
        assertThat(Files.exists(data.resolve("logs"))).as("chosen data dir kept on close").isTrue();

        // Same port and directory again: the record written before is still there.
        try (LocalKafkaBroker kafka = LocalKafkaBroker.builder().dataDir(data).port(port).start()) {
            produce(kafka.bootstrapServers(), "t1", "k2", "again");
            assertThat(consume(kafka.bootstrapServers(), "t1", 2))
                    .containsExactlyInAnyOrder("k1=hello", "k2=again");
        }
    }

    @Test
    void stopAndRestartIsAnOutageOfTheSameBroker() throws Exception {
        try (LocalKafkaBroker kafka =
                LocalKafkaBroker.start()) { // a temporary directory survives stop()
            kafka.createTopics(1, "t");
            produce(kafka.bootstrapServers(), "t", "k1", "before");
            kafka.stop();
            assertThat(kafka.isRunning()).isFalse();
            assertThat(Files.isDirectory(kafka.dataDir())).isTrue();
            try (var probe = new java.net.Socket()) {
                assertThatThrownBy(
                                () ->
                                        probe.connect(
                                                new java.net.InetSocketAddress(
                                                        "127.0.0.1", kafka.port()),
                                                2000))
                        .as("nothing listens while stopped")
                        .isInstanceOf(java.io.IOException.class);
            }
            kafka.restart();
            assertThat(kafka.isRunning()).isTrue();
            produce(kafka.bootstrapServers(), "t", "k2", "after");
            assertThat(consume(kafka.bootstrapServers(), "t", 2))
                    .containsExactly("k1=before", "k2=after");
        }
    }

    @Test
    void temporaryDataDirIsDeletedOnClose() {
        Path data;
        try (LocalKafkaBroker kafka = LocalKafkaBroker.start()) {
            data = kafka.dataDir();
            assertThat(Files.isDirectory(data)).isTrue();
        }
        assertThat(Files.exists(data)).isFalse();
    }

    @Test
    void aBusyPortIsAClearError() throws Exception {
        try (java.net.ServerSocket busy =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> LocalKafkaBroker.builder().port(busy.getLocalPort()).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                            "local Kafka failed to start on port "
                                    + busy.getLocalPort()
                                    + ": 127.0.0.1:"
                                    + busy.getLocalPort()
                                    + " is in use; choose another port, or 0 for any free one");
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> LocalKafkaBroker.builder().port(70000))
                .hasMessageContaining("port must be 0 (any free port) or 1..65535");
    }

    static void produce(String bootstrap, String topic, String key, String value) throws Exception {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (var producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    static List<String> consume(String bootstrap, String topic, int n) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime());
        List<String> out = new ArrayList<>();
        try (var consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline =
                    System.nanoTime() + Duration.ofMinutes(2).toNanos(); // generous: a busy machine
            while (out.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r.key() + "=" + r.value());
                }
            }
        }
        return out;
    }
}
