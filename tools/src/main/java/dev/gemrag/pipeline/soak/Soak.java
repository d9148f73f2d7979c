package dev.gemrag.pipeline.soak;

import static dev.gemrag.pipeline.config.GemragOptions.MILVUS_ALIAS;
import static dev.gemrag.pipeline.config.GemragOptions.TOPIC_ANSWERS;
import static dev.gemrag.pipeline.config.GemragOptions.TOPIC_DEAD_LETTERS;
import static dev.gemrag.pipeline.config.GemragOptions.TOPIC_DOCUMENTS;
import static dev.gemrag.pipeline.config.GemragOptions.TOPIC_QUESTIONS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.connectors.milvus.StoredChunks;
import dev.gemrag.operators.answer.AnswerFunction;
import dev.gemrag.operators.model.ModelClient;
import dev.gemrag.pipeline.bench.Percentiles;
import dev.gemrag.pipeline.bench.ProcessMemory;
import dev.gemrag.pipeline.client.KafkaClients;
import dev.gemrag.pipeline.demo.EmbeddedStack;
import dev.gemrag.pipeline.samples.Samples;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Drives a seeded mix of new documents (40%), updates (25%), deletes (15%) and questions (20%)
 * through an {@link EmbeddedStack} at a fixed rate, prints one line per minute, then lets the stack
 * settle and checks Milvus against the last event of every document ({@link SoakState}).
 */
public final class Soak {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How long the stack may take by default to index and answer what was sent before the final
     * check.
     */
    public static final Duration SETTLE = Duration.ofMinutes(15);

    private final EmbeddedStack stack;
    private final PrintStream out;
    private final List<String> words;

    public Soak(EmbeddedStack stack, PrintStream out) throws Exception {
        this.stack = stack;
        this.out = out;
        List<String> w = new ArrayList<>();
        for (Samples.SampleDocument d : Samples.documents()) {
            for (String s : JSON.readTree(d.json()).path("text").asText().split("\\s+")) {
                if (!s.isBlank()) {
                    w.add(s);
                }
            }
        }
        this.words = w;
    }

    /** One minute's line (and the whole run's totals). */
    public record Minute(
            int minute,
            MemoryReading memory,
            int queueDepth,
            double freshP99Ms,
            double answerP99Ms,
            int errors,
            int deadLetters,
            int events,
            String loadAverage) {
        public double rssMib() {
            return memory.rss();
        }
    }

    public record Result(
            List<Minute> minutes,
            List<String> mismatches,
            int errors,
            int deadLetters,
            int liveDocuments,
            int questions,
            int answers) {
        public boolean ok() {
            return mismatches.isEmpty() && errors == 0 && deadLetters == 0 && answers == questions;
        }
    }

    public Result run(Duration length, double ratePerSec, long seed) throws Exception {
        return run(length, ratePerSec, seed, SETTLE);
    }

    /**
     * @param settle how long to wait after the last event for the documents and answers still on
     *     their way
     */
    public Result run(Duration length, double ratePerSec, long seed, Duration settle)
            throws Exception {
        Random rnd = new Random(seed);
        Random checkOrder = new Random(seed + 1); // apart from rnd: the event mix stays the seed's
        SoakState state = new SoakState();
        Map<String, Long> pendingFresh =
                new HashMap<>(); // doc id -> send time of its newest upsert
        Map<String, Long> pendingAnswers = new HashMap<>(); // question id -> send time
        List<String> mismatches = new ArrayList<>();
        List<Minute> minutes = new ArrayList<>();
        int errors = 0;
        int deadLetters = 0;
        int questions = 0;
        int answers = 0;
        int nextDoc = 0;
        Percentiles fresh = new Percentiles();
        Percentiles answer = new Percentiles();
        int minuteErrors = 0;
        int minuteDead = 0;
        int minuteEvents = 0;
        // Memory columns split RSS so that growth can be pinned: heap live set and heap committed,
        // the JVM's own native memory (NMT) and what neither accounts for (libtorch, malloc
        // arenas).
        out.println(
                "| minute | RSS MiB | heap after GC | heap committed | JVM native (NMT) | untracked native | file-backed | engine queue | freshness p99 ms | answer p99 ms | errors | dead letters | events | load avg |");
        out.println(
                "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        try (KafkaProducer<String, String> producer = KafkaClients.producer(stack.config());
                KafkaConsumer<String, String> answersIn = tail(stack.config().get(TOPIC_ANSWERS));
                KafkaConsumer<String, String> deadIn =
                        tail(stack.config().get(TOPIC_DEAD_LETTERS));
                StoredChunks index =
                        new StoredChunks(stack.milvusUri(), stack.config().get(MILVUS_ALIAS));
                ModelClient engine = stack.models().open()) {
            long start = System.nanoTime();
            long end = start + length.toNanos();
            long interval = (long) (1e9 / ratePerSec);
            long next = start;
            long minuteEnd = start + Duration.ofMinutes(1).toNanos();
            long settleBy = Long.MAX_VALUE;
            long nextCheck = start;
            while (true) {
                long now = System.nanoTime();
                boolean sending = now < end;
                if (sending && now >= next) {
                    int dice = rnd.nextInt(100);
                    List<String> ids = state.ids();
                    if (dice < 20) {
                        String qid = "soak-q" + questions++ + "-" + seed;
                        ObjectNode q =
                                JSON.createObjectNode()
                                        .put("id", qid)
                                        .put("question", "How do I " + phrase(rnd, 6) + "?");
                        producer.send(
                                        new ProducerRecord<>(
                                                stack.config().get(TOPIC_QUESTIONS),
                                                qid,
                                                q.toString()))
                                .get();
                        pendingAnswers.put(qid, System.nanoTime());
                    } else if (dice < 35 && !ids.isEmpty()) {
                        String id = ids.get(rnd.nextInt(ids.size()));
                        producer.send(
                                        new ProducerRecord<>(
                                                stack.config().get(TOPIC_DOCUMENTS),
                                                id,
                                                JSON.createObjectNode()
                                                        .put("id", id)
                                                        .put("deleted", true)
                                                        .toString()))
                                .get();
                        state.deleted(id);
                        pendingFresh.remove(id);
                    } else {
                        String id =
                                dice < 60 && !ids.isEmpty()
                                        ? ids.get(rnd.nextInt(ids.size()))
                                        : "soak-" + nextDoc++;
                        // 30..600 words: from one chunk to a few (a shrinking update must drop its
                        // tail)
                        ObjectNode d =
                                JSON.createObjectNode()
                                        .put("id", id)
                                        .put("title", "soak " + id)
                                        .put("text", phrase(rnd, 30 + rnd.nextInt(570)));
                        long offset =
                                producer.send(
                                                new ProducerRecord<>(
                                                        stack.config().get(TOPIC_DOCUMENTS),
                                                        id,
                                                        d.toString()))
                                        .get()
                                        .offset();
                        state.upserted(id, offset); // no "version" field: the offset is the version
                        pendingFresh.put(id, System.nanoTime());
                    }
                    minuteEvents++;
                    next += interval;
                }
                if (!sending && settleBy == Long.MAX_VALUE) {
                    settleBy = now + settle.toNanos();
                    out.printf(
                            "sent for %d min; waiting for %d documents and %d answers (at most %d min)%n",
                            length.toMinutes(),
                            pendingFresh.size(),
                            pendingAnswers.size(),
                            settle.toMinutes());
                }
                // freshness: the newest version of a document is searchable, every chunk of it
                // (checked each second)
                List<String> toCheck =
                        now < nextCheck
                                ? new ArrayList<>()
                                : new ArrayList<>(pendingFresh.keySet());
                Collections.shuffle(
                        toCheck, checkOrder); // cut short below: no document always left unchecked
                for (String id : toCheck) {
                    if (sending && System.nanoTime() >= next) {
                        break; // the next event is due: many slow checks must not hold the rate
                        // down
                    }
                    List<StoredChunks.StoredChunk> stored = index.chunksOf(id);
                    if (!stored.isEmpty()
                            && stored.stream().allMatch(c -> c.docVersion() == state.version(id))) {
                        fresh.add((System.nanoTime() - pendingFresh.remove(id)) / 1e6);
                    }
                }
                if (now >= nextCheck) {
                    nextCheck = now + 1_000_000_000L;
                }
                for (ConsumerRecord<String, String> r : answersIn.poll(Duration.ofMillis(100))) {
                    JsonNode a = JSON.readTree(r.value());
                    Long sent = pendingAnswers.remove(a.path("question_id").asText());
                    if (sent == null) {
                        continue; // a duplicate (at-least-once after a restart) or another client's
                    }
                    answers++;
                    answer.add((System.nanoTime() - sent) / 1e6);
                    String text = a.path("answer").asText();
                    if (text.startsWith("could not answer")
                            || text.equals(AnswerFunction.TIMED_OUT)
                            || text.equals(AnswerFunction.RETRIEVAL_UNAVAILABLE)) {
                        errors++;
                        minuteErrors++;
                        out.println(
                                "error: question " + a.path("question_id").asText() + ": " + text);
                    }
                }
                for (ConsumerRecord<String, String> r : deadIn.poll(Duration.ZERO)) {
                    deadLetters++;
                    minuteDead++;
                    out.println("dead letter: " + JSON.readTree(r.value()).path("reason").asText());
                }
                if (System.nanoTime() >= minuteEnd && sending) {
                    Minute m =
                            new Minute(
                                    minutes.size() + 1,
                                    MemoryReading.now(),
                                    engine.queueDepth(),
                                    fresh.p(99),
                                    answer.p(99),
                                    minuteErrors,
                                    minuteDead,
                                    minuteEvents,
                                    ProcessMemory.loadAverage());
                    minutes.add(m);
                    out.printf(
                            "| %d | %s | %s | %s | %s | %s | %s | %d | %s | %s | %d | %d | %d | %s |%n",
                            m.minute(),
                            mib(m.memory().rss()),
                            mib(m.memory().heapAfterGc()),
                            mib(m.memory().heapCommitted()),
                            mib(m.memory().jvmNative()),
                            mib(m.memory().untracked()),
                            mib(m.memory().rssFile()),
                            m.queueDepth(),
                            ms(m.freshP99Ms()),
                            ms(m.answerP99Ms()),
                            m.errors(),
                            m.deadLetters(),
                            m.events(),
                            m.loadAverage());
                    fresh = new Percentiles();
                    answer = new Percentiles();
                    minuteErrors = 0;
                    minuteDead = 0;
                    minuteEvents = 0;
                    minuteEnd += Duration.ofMinutes(1).toNanos();
                }
                if (!sending && pendingFresh.isEmpty() && pendingAnswers.isEmpty()) {
                    break;
                }
                if (System.nanoTime() > settleBy) {
                    mismatches.add(
                            pendingFresh.size()
                                    + " documents never reached their last version and "
                                    + pendingAnswers.size()
                                    + " questions got no answer within "
                                    + settle.toMinutes()
                                    + " min");
                    break;
                }
                stack.checkJobAlive();
            }
            // the index must equal the last event per document: a final flush may still be on its
            // way
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            List<String> problems;
            do {
                problems = new ArrayList<>();
                for (String id : state.ids()) {
                    String p = state.problem(id, index.chunksOf(id));
                    if (p != null) {
                        problems.add(p);
                    }
                }
                if (index.documents() != state.liveDocuments()) {
                    problems.add(
                            "Milvus holds "
                                    + index.documents()
                                    + " documents, expected "
                                    + state.liveDocuments());
                }
                if (!problems.isEmpty()) {
                    Thread.sleep(1000);
                }
            } while (!problems.isEmpty() && System.nanoTime() < deadline);
            mismatches.addAll(problems);
        }
        return new Result(
                minutes,
                mismatches,
                errors,
                deadLetters,
                (int) state.liveDocuments(),
                questions,
                answers);
    }

    /** MiB, or "-" where the reading is not available (no NMT, no /proc). */
    private static String mib(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.0f", v);
    }

    /** A p99 in ms, or "-" for a minute in which nothing of the kind completed. */
    private static String ms(double p99) {
        return Double.isNaN(p99) ? "-" : String.format("%.0f", p99);
    }

    private String phrase(Random rnd, int n) {
        int from = rnd.nextInt(Math.max(1, words.size() - n));
        return String.join(" ", words.subList(from, Math.min(words.size(), from + n)));
    }

    /** A consumer at the current end of a topic: only what arrives from now on counts. */
    private KafkaConsumer<String, String> tail(String topic) {
        KafkaConsumer<String, String> c = KafkaClients.consumer(stack.config());
        List<TopicPartition> parts =
                c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
        c.assign(parts);
        c.seekToEnd(parts);
        parts.forEach(c::position);
        return c;
    }
}
