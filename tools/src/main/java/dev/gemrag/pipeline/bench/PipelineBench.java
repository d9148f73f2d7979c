package dev.gemrag.pipeline.bench;

import static dev.gemrag.pipeline.config.GemragOptions.CHUNK_OVERLAP;
import static dev.gemrag.pipeline.config.GemragOptions.CHUNK_SIZE;
import static dev.gemrag.pipeline.config.GemragOptions.MILVUS_ALIAS;
import static dev.gemrag.pipeline.config.GemragOptions.TOPIC_DOCUMENTS;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.connectors.milvus.StoredChunks;
import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.operators.chunk.Chunker;
import dev.gemrag.operators.embed.EmbedText;
import dev.gemrag.operators.model.ModelClient;
import dev.gemrag.pipeline.client.AnswerReply;
import dev.gemrag.pipeline.client.KafkaClients;
import dev.gemrag.pipeline.client.QuestionClient;
import dev.gemrag.pipeline.demo.Demo;
import dev.gemrag.pipeline.demo.EmbeddedStack;
import dev.gemrag.pipeline.samples.Samples;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * End-to-end numbers on an {@link EmbeddedStack}: indexing throughput next to the raw engine on the
 * same chunks, freshness (Kafka append -> searchable) at a fixed rate, and answer latency by stage.
 */
public final class PipelineBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbeddedStack stack;
    private final PrintStream out;

    public PipelineBench(EmbeddedStack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
    }

    public record Result(
            double pipelineChunksPerSec,
            double engineChunksPerSec,
            long chunks,
            Percentiles freshnessMs,
            Map<String, Percentiles> answerMs) {}

    public Result run(double ratePerSec, int freshDocs, int questions) throws Exception {
        // 1. Kafka -> Milvus, all sample documents (the time includes the sink's flush and Milvus'
        // visibility).
        long t0 = System.nanoTime();
        long chunks = new Demo(stack, out).ingestSamples(Duration.ofMinutes(30));
        double pipelineSecs = (System.nanoTime() - t0) / 1e9;

        // 2. The engine alone on the same chunks, cut the same way, one request per document as the
        // job sends.
        double engineSecs;
        long engineChunks = 0;
        try (ModelClient m = stack.models().open()) {
            Chunker chunker =
                    new Chunker(
                            m.tokenizer(),
                            stack.config().get(CHUNK_SIZE),
                            stack.config().get(CHUNK_OVERLAP));
            List<List<String>> perDoc = new ArrayList<>();
            for (Samples.SampleDocument d : Samples.documents()) {
                String text = JSON.readTree(d.json()).path("text").asText();
                List<String> texts = new ArrayList<>();
                for (String c : chunker.split(text)) {
                    texts.add(
                            EmbedText.of(
                                    new Chunk(
                                            "", d.id(), 0, 0, d.title(), c, new String[0], "{}")));
                }
                perDoc.add(texts);
                engineChunks += texts.size();
            }
            long t1 = System.nanoTime();
            List<CompletableFuture<List<float[]>>> futures = new ArrayList<>();
            for (List<String> texts : perDoc) {
                futures.add(m.embed(texts, EmbedRole.DOCUMENT));
            }
            futures.forEach(CompletableFuture::join);
            engineSecs = (System.nanoTime() - t1) / 1e9;
        }
        out.printf("engine alone: %d chunks in %.1f s%n", engineChunks, engineSecs);

        // 3. Freshness at a fixed input rate: append -> all of the document's chunks are queryable.
        Percentiles fresh = new Percentiles();
        String sampleText = JSON.readTree(Samples.documents().get(0).json()).path("text").asText();
        Map<String, Long> sentAt = new HashMap<>();
        long interval = (long) (1e9 / ratePerSec);
        try (KafkaProducer<String, String> producer = KafkaClients.producer(stack.config());
                StoredChunks index =
                        new StoredChunks(stack.milvusUri(), stack.config().get(MILVUS_ALIAS))) {
            long next = System.nanoTime();
            int sent = 0;
            long deadline = Long.MAX_VALUE;
            while (fresh.count() < freshDocs) {
                if (sent < freshDocs && System.nanoTime() >= next) {
                    String id = "fresh-" + sent;
                    ObjectNode doc =
                            JSON.createObjectNode()
                                    .put("id", id)
                                    .put("title", "fresh " + sent)
                                    .put("text", "Revision " + sent + ". " + sampleText);
                    sentAt.put(id, System.nanoTime());
                    producer.send(
                            new ProducerRecord<>(
                                    stack.config().get(TOPIC_DOCUMENTS), id, doc.toString()));
                    producer.flush();
                    sent++;
                    next += interval;
                    if (sent == freshDocs) {
                        deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                    }
                }
                for (var e : new ArrayList<>(sentAt.entrySet())) {
                    if (!index.chunksOf(e.getKey()).isEmpty()) {
                        fresh.add((System.nanoTime() - e.getValue()) / 1e6);
                        sentAt.remove(e.getKey());
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            sentAt.size() + " fresh documents never became searchable");
                }
                stack.checkJobAlive();
                Thread.sleep(50);
            }
        }

        // 4. Answer latency, one question at a time.
        Map<String, Percentiles> answer = new LinkedHashMap<>();
        for (String k : List.of("embed", "search", "generate", "total")) {
            answer.put(k, new Percentiles());
        }
        List<Samples.SampleQuestion> qs = Samples.questions();
        try (QuestionClient client = new QuestionClient(stack.config())) {
            for (int i = 0; i < questions; i++) {
                Samples.SampleQuestion q = qs.get(i % qs.size());
                AnswerReply a =
                        client.await(
                                client.send(
                                        "bench-" + i + "-" + System.nanoTime(),
                                        q.question(),
                                        List.of(),
                                        null,
                                        null),
                                Duration.ofMinutes(5));
                a.timingsMs()
                        .forEach(
                                (k, v) -> {
                                    if (answer.containsKey(k)) {
                                        answer.get(k).add(v);
                                    }
                                });
            }
        }
        return new Result(chunks / pipelineSecs, engineChunks / engineSecs, chunks, fresh, answer);
    }

    public static String table(Result r, double rate) {
        StringBuilder sb = new StringBuilder();
        sb.append("| measure | value |\n| --- | --- |\n");
        sb.append(
                String.format(
                        "| indexing, Kafka -> Milvus (%d chunks) | %.2f chunks/s |%n",
                        r.chunks(), r.pipelineChunksPerSec()));
        sb.append(
                String.format(
                        "| engine alone, same chunks | %.2f chunks/s |%n", r.engineChunksPerSec()));
        sb.append(
                String.format(
                        "| pipeline / engine | %.2f |%n",
                        r.pipelineChunksPerSec() / r.engineChunksPerSec()));
        sb.append(
                String.format(
                        "| freshness p50 / p99 at %.2f docs/s (%d docs) | %.0f / %.0f ms |%n",
                        rate,
                        r.freshnessMs().count(),
                        r.freshnessMs().p(50),
                        r.freshnessMs().p(99)));
        r.answerMs()
                .forEach(
                        (k, p) ->
                                sb.append(
                                        String.format(
                                                "| answer %s p50 / p99 (%d questions) | %.0f / %.0f ms |%n",
                                                k, p.count(), p.p(50), p.p(99))));
        return sb.toString();
    }
}
