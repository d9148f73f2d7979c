package dev.gemrag.pipeline.demo;

import static dev.gemrag.pipeline.config.GemragOptions.MILVUS_ALIAS;
import static dev.gemrag.pipeline.config.GemragOptions.TOPIC_DOCUMENTS;

import dev.gemrag.connectors.milvus.StoredChunks;
import dev.gemrag.pipeline.client.AnswerReply;
import dev.gemrag.pipeline.client.KafkaClients;
import dev.gemrag.pipeline.client.QuestionClient;
import dev.gemrag.pipeline.samples.Samples;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The demo's two acts on a running {@link EmbeddedStack}: index the samples, then answer the sample
 * questions.
 */
public final class Demo {
    private final EmbeddedStack stack;
    private final PrintStream out;

    public Demo(EmbeddedStack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
    }

    /**
     * Sends the sample documents and waits until every one is in Milvus; returns the chunk count.
     */
    public long ingestSamples(Duration timeout) throws Exception {
        List<Samples.SampleDocument> docs = Samples.documents();
        return ingest(
                docs.stream().map(d -> new DocumentRecord(d.id(), d.json())).toList(),
                "sample documents",
                timeout);
    }

    /** A documents-topic record: key and JSON value. */
    public record DocumentRecord(String id, String json) {}

    /**
     * Sends documents to the documents topic and waits until every one is in Milvus; returns the
     * chunk count.
     */
    public long ingest(List<DocumentRecord> docs, String what, Duration timeout) throws Exception {
        String topic = stack.config().get(TOPIC_DOCUMENTS);
        long t0 = System.nanoTime();
        try (KafkaProducer<String, String> producer = KafkaClients.producer(stack.config())) {
            List<Future<?>> sent = new ArrayList<>();
            for (DocumentRecord d : docs) {
                sent.add(producer.send(new ProducerRecord<>(topic, d.id(), d.json())));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
        out.println(
                "Indexing " + docs.size() + " " + what + " (Kafka -> chunk -> embed -> Milvus):");
        ProgressLine bar = new ProgressLine(out);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (StoredChunks status =
                new StoredChunks(stack.milvusUri(), stack.config().get(MILVUS_ALIAS))) {
            long chunks = 0;
            long stableSince = 0;
            while (true) {
                stack.checkJobAlive();
                long d = status.documents();
                long c = status.chunks();
                double secs = (System.nanoTime() - t0) / 1e9;
                bar.update(
                        d,
                        docs.size(),
                        String.format("documents, %d chunks, %.1f chunks/s", c, c / secs));
                if (d >= docs.size()) {
                    if (c == chunks
                            && stableSince != 0
                            && System.nanoTime() - stableSince > 1_500_000_000L) {
                        bar.finish();
                        out.printf(
                                "Indexed %d documents as %d chunks in %.1f s (%.1f chunks/s)%n",
                                d, c, secs, c / secs);
                        return c;
                    }
                    if (c != chunks || stableSince == 0) {
                        stableSince = System.nanoTime();
                    }
                }
                chunks = c;
                if (System.nanoTime() > deadline) {
                    bar.finish();
                    throw new IllegalStateException(
                            "only "
                                    + d
                                    + " of "
                                    + docs.size()
                                    + " documents were indexed within "
                                    + timeout.toSeconds()
                                    + " s");
                }
                Thread.sleep(500);
            }
        }
    }

    /**
     * Asks every sample question and prints the answers; returns how many cited their gold page.
     */
    public int askSamples(Duration timeoutEach) throws Exception {
        List<Samples.SampleQuestion> questions = Samples.questions();
        int hits = 0;
        int named = 0;
        try (QuestionClient client = new QuestionClient(stack.config())) {
            for (Samples.SampleQuestion q : questions) {
                String id =
                        client.send(
                                q.id() + "-" + System.nanoTime(),
                                q.question(),
                                List.of(),
                                null,
                                null);
                AnswerReply a = client.await(id, timeoutEach);
                boolean hit = a.citedDocs().contains(q.goldDoc());
                boolean names = namesCommand(a.answer(), q.goldDoc());
                hits += hit ? 1 : 0;
                named += names ? 1 : 0;
                out.println();
                out.println("Q: " + q.question());
                out.println("A: " + a.render().replace("\n", "\n   "));
                out.println(
                        "   expected source "
                                + q.goldDoc()
                                + ": "
                                + (hit ? "cited" : "NOT cited")
                                + "; the answer "
                                + (names ? "names" : "does NOT name")
                                + " its command");
            }
        }
        out.println();
        out.printf(
                "%d of %d answers cited the page that answers the question; %d of %d name its command.%n",
                hits, questions.size(), named, questions.size());
        return hits;
    }

    /** True when the answer contains the gold page's command ("cp" for "cp.1") as a word. */
    static boolean namesCommand(String answer, String goldDoc) {
        String command = goldDoc.replaceFirst("\\.\\d+$", "");
        return java.util.regex.Pattern.compile(
                        "(?<![\\w-])" + java.util.regex.Pattern.quote(command) + "(?![\\w-])")
                .matcher(answer)
                .find();
    }
}
