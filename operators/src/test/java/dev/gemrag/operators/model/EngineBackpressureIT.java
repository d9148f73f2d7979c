package dev.gemrag.operators.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.IndexAction;
import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.LanguageModel;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.operators.embed.EmbedDocumentFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.functions.source.legacy.SourceFunction;
import org.junit.jupiter.api.Test;

/**
 * A Flink MiniCluster job embeds documents through the shared engine while the model is held: the
 * engine's queue (4 requests) fills, the async operator (capacity 16) still has room, and
 * checkpoints keep completing, because a full queue rejects and the submission waits off the task
 * thread. (With the engine's BLOCK policy the task thread waited in asyncInvoke and no checkpoint
 * could complete until the model moved.) Released, every document comes out. The back-pressure
 * proper is the async operator's capacity: once it is full, Flink holds the input (and checkpoints
 * wait for a completion), as designed.
 */
class EngineBackpressureIT {
    static final Duration WAIT = Duration.ofMinutes(3); // generous: the machine may be saturated
    static final int DOCS =
            10; // 20 chunks: more than the engine queue, fewer documents than the async capacity
    static final int QUEUE = 4;
    static final CountDownLatch RELEASE = new CountDownLatch(1);
    static final AtomicInteger EMBED_CALLS = new AtomicInteger();
    static final AtomicInteger CHECKPOINTS = new AtomicInteger();
    static final AtomicInteger EMBEDDED = new AtomicInteger();
    static volatile ModelClient probe;

    @Test
    void aFullEngineQueueDoesNotStopCheckpoints() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.enableCheckpointing(100);
        SharedEngineModels models =
                new SharedEngineModels(new HeldModelSource(), 4096, Duration.ofMillis(1), QUEUE);
        // the same JVM-wide engine as the job's operator, to read its queue depth
        probe = models.open();
        AsyncDataStream.orderedWait(
                        env.addSource(new DocsThenIdle())
                                .returns(TypeInformation.of(IndexAction.class)),
                        new EmbedDocumentFunction(models, 512),
                        10,
                        TimeUnit.MINUTES,
                        16)
                .returns(TypeInformation.of(IndexAction.class))
                .map(new CountCheckpoints())
                .returns(TypeInformation.of(IndexAction.class))
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("engine-backpressure-it");
        try {
            waitUntil(
                    job,
                    () -> probe.queueDepth() >= QUEUE && EMBED_CALLS.get() >= 1,
                    "a full engine queue");
            int before = CHECKPOINTS.get();
            waitUntil(
                    job,
                    () -> CHECKPOINTS.get() >= before + 3,
                    "3 checkpoints while the queue is full");
            assertThat(probe.queueDepth())
                    .as("still full: the model has not moved")
                    .isGreaterThanOrEqualTo(QUEUE);
            assertThat(EMBEDDED).hasValue(0);
            RELEASE.countDown();
            waitUntil(job, () -> EMBEDDED.get() == DOCS, "every document embedded");
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            RELEASE.countDown();
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
            probe.close();
        }
    }

    static void waitUntil(JobClient job, BooleanSupplier done, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            JobStatus status = job.getJobStatus().get();
            if (status.isGloballyTerminalState() && status != JobStatus.FINISHED) {
                job.getJobExecutionResult().get(); // throws the job's failure
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out after "
                                + WAIT.toSeconds()
                                + " s waiting for "
                                + what
                                + " (queue "
                                + probe.queueDepth()
                                + ", checkpoints "
                                + CHECKPOINTS.get()
                                + ")");
            }
            Thread.sleep(50);
        }
    }

    static List<IndexAction> docs() {
        List<IndexAction> docs = new ArrayList<>();
        for (int d = 0; d < DOCS; d++) {
            List<Chunk> chunks = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                chunks.add(
                        new Chunk(
                                Chunk.chunkId("d" + d, c),
                                "d" + d,
                                1,
                                c,
                                "t",
                                "text " + d + " " + c,
                                new String[] {"g"},
                                "{}"));
            }
            docs.add(IndexAction.chunked("d" + d, 1, chunks));
        }
        return docs;
    }

    /**
     * Emits the documents, then stays open (a finished input would make the async operator drain
     * first).
     */
    static final class DocsThenIdle implements SourceFunction<IndexAction> {
        private volatile boolean running = true;

        @Override
        public void run(SourceContext<IndexAction> ctx) throws Exception {
            for (IndexAction d : docs()) {
                synchronized (ctx.getCheckpointLock()) {
                    ctx.collect(d);
                }
            }
            while (running) {
                Thread.sleep(20); // idle until cancelled
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    /**
     * Counts embedded documents and completed checkpoints (delivered through this task's mailbox).
     */
    static final class CountCheckpoints extends RichMapFunction<IndexAction, IndexAction>
            implements CheckpointListener {
        @Override
        public IndexAction map(IndexAction a) {
            EMBEDDED.incrementAndGet();
            return a;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS.incrementAndGet();
        }
    }

    static final class HeldModelSource implements ModelSource {
        private static final long serialVersionUID = 1L;

        @Override
        public String key() {
            return "engine-backpressure-it";
        }

        @Override
        public LanguageModel load() {
            return new HeldModel();
        }
    }

    /** Embeds only after the test releases it. */
    static final class HeldModel implements LanguageModel {
        @Override
        public String id() {
            return "held";
        }

        @Override
        public int embeddingDimension() {
            return 2;
        }

        @Override
        public TextTokenizer tokenizer() {
            return new TextTokenizer() {
                @Override
                public int[] encode(String text) {
                    return new int[text.split(" ").length];
                }

                @Override
                public String decode(int[] ids) {
                    return "";
                }
            };
        }

        @Override
        public String applyChatTemplate(List<ChatMessage> messages) {
            return "";
        }

        @Override
        public List<float[]> embed(List<String> texts, EmbedRole role) {
            EMBED_CALLS.incrementAndGet();
            try {
                RELEASE.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return texts.stream().map(t -> new float[] {1f, t.length()}).toList();
        }

        @Override
        public List<GenerationResult> generate(List<String> prompts, GenerationParams params) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    }
}
