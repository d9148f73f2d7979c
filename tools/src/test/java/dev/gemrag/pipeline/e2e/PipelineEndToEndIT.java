package dev.gemrag.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.connectors.milvus.StoredChunks;
import dev.gemrag.operators.answer.AnswerFunction;
import dev.gemrag.pipeline.client.AnswerReply;
import dev.gemrag.pipeline.client.KafkaClients;
import dev.gemrag.pipeline.client.QuestionClient;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.GemragOptions;
import dev.gemrag.pipeline.demo.EmbeddedStack;
import dev.gemrag.pipeline.samples.Samples;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system on real parts: in-process Kafka, Milvus Lite, the default model (with the GEM
 * adapter when one is installed) and the job in mode both on a Flink MiniCluster.
 */
@ExtendWith(SharedModel.class) // one model load per module run, not per stack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(8);

    /**
     * Sample questions checked for their gold page, and the pages indexed (gold pages +
     * distractors).
     */
    /**
     * Sources per sample question: the gold page must be among them (8 pages indexed + a restricted
     * one).
     */
    private static final int TOP_K = 5;

    private static final Set<String> QUESTIONS =
            Set.of("sample-cp", "sample-df", "sample-tar", "sample-wc");
    private static final List<String> DOCS =
            List.of("cp.1", "df.1", "tar.1", "wc.1", "mv.1", "rm.1", "du.1", "gzip.1");

    @TempDir static Path dir;
    private EmbeddedStack stack;
    private StoredChunks index;
    private KafkaProducer<String, String> producer;

    @BeforeAll
    void start() throws Exception {
        GemragConfig config =
                GemragConfig.defaults()
                        // Short answers and prompts: the test is about the plumbing, generation
                        // time is in the benchmark.
                        .with(GemragOptions.ANSWER_MAX_TOKENS.key(), "8")
                        .with(GemragOptions.ANSWER_CONTEXT_TOKENS.key(), "800")
                        .with(GemragOptions.ANSWER_TIMEOUT.key(), "10 min")
                        .with(GemragOptions.ANSWER_MAX_QUESTION_TOKENS.key(), "64")
                        .with(GemragOptions.CHECKPOINT_INTERVAL.key(), "2 s")
                        .with(GemragOptions.ACL_NO_ACL_VISIBILITY.key(), "private");
        stack = EmbeddedStack.start(dir, config, s -> System.out.println("[stack] " + s));
        index = new StoredChunks(stack.milvusUri(), stack.config().get(GemragOptions.MILVUS_ALIAS));
        producer = KafkaClients.producer(stack.config());
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.close();
        }
        if (index != null) {
            index.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private void send(String key, String value) throws Exception {
        producer.send(
                        new ProducerRecord<>(
                                stack.config().get(GemragOptions.TOPIC_DOCUMENTS), key, value))
                .get();
    }

    private static String withAcl(String json, String... groups) throws Exception {
        ObjectNode n = (ObjectNode) JSON.readTree(json);
        var acl = n.putArray("acl");
        for (String g : groups) {
            acl.add(g);
        }
        return n.toString();
    }

    private void await(String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            stack.checkJobAlive();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(300);
        }
    }

    @Test
    @Order(1)
    void everyDocumentsChunksBecomeSearchable() throws Exception {
        for (Samples.SampleDocument d : Samples.documents()) {
            if (DOCS.contains(d.id())) {
                send(d.id(), withAcl(d.json(), "staff"));
            }
        }
        // Restricted: only "ops" may read it, and it is about the same thing as cp.1.
        send(
                "ops-runbook",
                JSON.createObjectNode()
                        .put("id", "ops-runbook")
                        .put("title", "cp runbook")
                        .put(
                                "text",
                                "Copy files and directories to the backup host with cp -a. The launch codes are in /srv/codes.")
                        .set("acl", JSON.createArrayNode().add("ops"))
                        .toString());
        // Bad records: not JSON, and a document without text.
        send("broken", "{not json");
        send("no-text", "{\"id\":\"no-text\"}");

        List<String> all = new ArrayList<>(DOCS);
        all.add("ops-runbook");
        await(
                "all documents in Milvus",
                () -> all.stream().allMatch(id -> !index.chunksOf(id).isEmpty()));
        for (String id : all) {
            List<StoredChunks.StoredChunk> chunks = index.chunksOf(id);
            assertThat(chunks)
                    .extracting(StoredChunks.StoredChunk::chunkId)
                    .as("chunk ids of %s", id)
                    .isEqualTo(
                            java.util.stream.IntStream.range(0, chunks.size())
                                    .mapToObj(i -> id + "#" + i)
                                    .toList());
        }
    }

    @Test
    @Order(2)
    void anUpdateReplacesAndADeleteRemovesChunks() throws Exception {
        String longText =
                String.join(
                        "\n\n",
                        java.util.Collections.nCopies(
                                40,
                                "The backup note explains how nightly snapshots are rotated and verified before upload."));
        send(
                "note",
                JSON.createObjectNode()
                        .put("id", "note")
                        .put("version", 1)
                        .put("text", longText)
                        .set("acl", JSON.createArrayNode().add("staff"))
                        .toString());
        await("note v1", () -> index.chunksOf("note").size() > 1);
        int v1Chunks = index.chunksOf("note").size();

        send(
                "note",
                JSON.createObjectNode()
                        .put("id", "note")
                        .put("version", 2)
                        .put("text", "Snapshots are now kept for a week.")
                        .set("acl", JSON.createArrayNode().add("staff"))
                        .toString());
        await(
                "note v2 only",
                () -> {
                    List<StoredChunks.StoredChunk> c = index.chunksOf("note");
                    return c.size() == 1 && c.get(0).docVersion() == 2;
                });
        assertThat(v1Chunks).isGreaterThan(1);

        producer.send(
                        new ProducerRecord<>(
                                stack.config().get(GemragOptions.TOPIC_DOCUMENTS), "note", null))
                .get();
        await("note deleted", () -> index.chunksOf("note").isEmpty());
    }

    @Test
    @Order(3)
    void sampleQuestionsCiteTheirGoldPage() throws Exception {
        Map<String, String> missed = new java.util.LinkedHashMap<>();
        try (QuestionClient client = new QuestionClient(stack.config())) {
            for (Samples.SampleQuestion q : Samples.questions()) {
                if (!QUESTIONS.contains(q.id())) {
                    continue;
                }
                AnswerReply a =
                        client.await(
                                client.send(q.id(), q.question(), List.of("staff"), TOP_K, null),
                                WAIT);
                System.out.println("[answer] " + q.question() + "\n" + a.render());
                assertThat(a.answer()).isNotBlank();
                assertThat(a.timingsMs()).containsKeys("embed", "search", "generate", "total");
                assertThat(a.sourceDocs()).doesNotContain("ops-runbook");
                assertThat(a.sourceDocs())
                        .containsAll(a.citedDocs()); // citations only to sources in the prompt
                // retrieval's part: the gold page among the prompt's sources (what the model cites
                // is measured by
                // gemrag eval-answers)
                if (!a.sourceDocs().contains(q.goldDoc())) {
                    missed.put(q.question(), q.goldDoc() + " not in " + a.sourceDocs());
                }
            }
        }
        // Retrieval quality is the GEM adapter's job: the mean-pooling baseline (no adapter
        // installed) is not
        // held to it, everything else in this class is.
        org.junit.jupiter.api.Assumptions.assumeTrue(
                stack.model().modelId().contains("-gem"),
                "no GEM adapter (model "
                        + stack.model().modelId()
                        + "): gold pages missed by the baseline: "
                        + missed);
        assertThat(missed).as("questions whose gold page was not cited").isEmpty();
    }

    @Test
    @Order(4)
    void aclDecidesWhatAQuestionMayCite() throws Exception {
        try (QuestionClient client = new QuestionClient(stack.config())) {
            String q = "Where are the launch codes when I copy files to the backup host?";
            AnswerReply staff =
                    client.await(client.send("acl-staff", q, List.of("staff"), 5, 4), WAIT);
            assertThat(staff.sourceDocs()).isNotEmpty().doesNotContain("ops-runbook");
            AnswerReply ops = client.await(client.send("acl-ops", q, List.of("ops"), 5, 4), WAIT);
            assertThat(ops.sourceDocs()).containsExactly("ops-runbook");
            AnswerReply nobody =
                    client.await(client.send("acl-none", q, List.of("visitors"), null, null), WAIT);
            assertThat(nobody.answer()).isEqualTo(AnswerFunction.NOTHING_FOUND);
            assertThat(nobody.citations()).isEmpty();
            assertThat(nobody.timingsMs()).doesNotContainKey("generate");
        }
    }

    @Test
    @Order(5)
    void badRecordsBecomeDeadLettersAndTheJobKeepsRunning() throws Exception {
        try (QuestionClient client = new QuestionClient(stack.config())) {
            client.send("empty-question", "   ", List.of("staff"), null, null);
            client.send("too-long", "copy ".repeat(100), List.of("staff"), null, null);
            producer.send(
                            new ProducerRecord<>(
                                    stack.config().get(GemragOptions.TOPIC_QUESTIONS),
                                    "garbage",
                                    "[1,2"))
                    .get();
            // The job still answers after the bad records.
            AnswerReply after =
                    client.await(
                            client.send(
                                    "after-bad", "How do I move files?", List.of("staff"), null, 4),
                            WAIT);
            assertThat(after.sourceDocs()).isNotEmpty();
        }
        List<JsonNode> letters = deadLetters(5);
        Map<String, String> reasons =
                letters.stream()
                        .collect(
                                Collectors.toMap(
                                        n ->
                                                n.path("topic").asText()
                                                        + ":"
                                                        + n.path("key").asText(),
                                        n -> n.path("reason").asText(),
                                        (a, b) -> a));
        assertThat(reasons)
                .containsKeys(
                        "gemrag.documents:broken",
                        "gemrag.documents:no-text",
                        "gemrag.questions:empty-question",
                        "gemrag.questions:garbage",
                        "gemrag.questions:too-long");
        assertThat(reasons.get("gemrag.questions:empty-question")).contains("question");
        assertThat(reasons.get("gemrag.questions:too-long"))
                .matches("question is \\d+ tokens, more than answer.max-question-tokens \\(64\\)");
        assertThat(reasons.values()).allSatisfy(r -> assertThat(r).isNotBlank());
        stack.checkJobAlive();
    }

    private List<JsonNode> deadLetters(int atLeast) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = KafkaClients.consumer(stack.config())) {
            TopicPartition tp =
                    new TopicPartition(stack.config().get(GemragOptions.TOPIC_DEAD_LETTERS), 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    out.add(JSON.readTree(r.value()));
                }
            }
        }
        assertThat(out).as("dead letters").hasSizeGreaterThanOrEqualTo(atLeast);
        return out;
    }
}
