package dev.gemrag.pipeline.client;

import static dev.gemrag.pipeline.config.GemragOptions.TOPIC_ANSWERS;
import static dev.gemrag.pipeline.config.GemragOptions.TOPIC_QUESTIONS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.pipeline.config.GemragConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Sends questions to the questions topic and waits for their answers by question id. It reads the
 * answers topic from its end as it was before the first question went out, so only new answers
 * count.
 */
public final class QuestionClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final String questions;
    private final Map<String, AnswerReply> arrived = new HashMap<>();

    public QuestionClient(GemragConfig config) {
        this.questions = config.get(TOPIC_QUESTIONS);
        this.producer = KafkaClients.producer(config);
        this.consumer = KafkaClients.consumer(config);
        String answers = config.get(TOPIC_ANSWERS);
        List<TopicPartition> parts;
        try {
            parts =
                    consumer.partitionsFor(answers, Duration.ofSeconds(15)).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            close();
            throw new IllegalStateException(
                    "cannot reach Kafka at "
                            + config.get(
                                    dev.gemrag.pipeline.config.GemragOptions
                                            .KAFKA_BOOTSTRAP_SERVERS)
                            + " (kafka.bootstrap-servers): "
                            + e.getMessage());
        }
        if (parts.isEmpty()) {
            throw new IllegalStateException(
                    "answers topic '" + answers + "' does not exist: is the job running?");
        }
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // fix the end offsets now, before any question is sent
    }

    /** Sends one question; returns its id. */
    public String send(
            String id, String question, List<String> groups, Integer topK, Integer maxTokens) {
        return send(id, question, groups, topK, maxTokens, Map.of());
    }

    /**
     * Sends one question with extra questions-topic fields (the sampling overrides, e.g.
     * "temperature" -> 0.7); returns its id.
     */
    public String send(
            String id,
            String question,
            List<String> groups,
            Integer topK,
            Integer maxTokens,
            Map<String, String> extra) {
        ObjectNode q = JSON.createObjectNode();
        extra.forEach((k, v) -> q.set(k, numberOrText(v)));
        q.put("id", id);
        q.put("question", question);
        if (groups != null && !groups.isEmpty()) {
            groups.forEach(q.putArray("groups")::add);
        }
        if (topK != null) {
            q.put("top_k", topK);
        }
        if (maxTokens != null) {
            q.put("max_tokens", maxTokens);
        }
        try {
            producer.send(new ProducerRecord<>(questions, id, q.toString())).get();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot send the question to topic '" + questions + "': " + e.getMessage(), e);
        }
        return id;
    }

    private static com.fasterxml.jackson.databind.JsonNode numberOrText(String v) {
        try {
            return JSON.readTree(v).isNumber()
                    ? JSON.readTree(v)
                    : JSON.getNodeFactory().textNode(v);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(v);
        }
    }

    /** Waits for the answer to question {@code id}. */
    public AnswerReply await(String id, Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!arrived.containsKey(id)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException(
                        "no answer to question "
                                + id
                                + " within "
                                + timeout.toSeconds()
                                + " s: is the job running in mode query or both?");
            }
            for (ConsumerRecord<String, String> r :
                    consumer.poll(Duration.ofMillis(Math.min(500, left / 1_000_000 + 1)))) {
                try {
                    JsonNode n = JSON.readTree(r.value());
                    AnswerReply a = AnswerReply.parse(n);
                    arrived.put(a.questionId(), a);
                } catch (IOException | RuntimeException e) {
                    // not an answer record: ignore
                }
            }
        }
        return arrived.remove(id);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
