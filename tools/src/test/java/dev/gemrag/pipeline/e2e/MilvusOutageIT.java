package dev.gemrag.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.operators.answer.AnswerFunction;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.GemragOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Milvus goes away for 60 s while documents and questions keep arriving, on the embedded stack
 * (in-process Kafka, Milvus Lite, the default model, the job on a MiniCluster with the configured
 * restart strategy). Questions asked while the job runs without Milvus are answered "retrieval is
 * unavailable right now". With the default settings the sink's retries ride the outage out; with an
 * impatient sink it gives up and the restart strategy brings the job back. Either way every
 * question has an answer in the end and Milvus holds exactly the last event of every document
 * (nothing lost, no stale or duplicate chunk). Each test owns its stack: it stops a server.
 */
@ExtendWith(SharedModel.class) // one model load per module run, not per stack
class MilvusOutageIT {
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    @TempDir Path dir;

    /**
     * Default settings: the sink's retries (30 s request timeout) ride out the outage without a
     * restart.
     */
    @Test
    void anOutageTheSinkRidesOutIsAnsweredPolitelyAndEndsInTheLastEventPerDocument()
            throws Exception {
        Set<JobStatus> seen = outage(GemragConfig.defaults(), true);
        System.out.println("[outage] job states seen: " + seen);
    }

    /**
     * An impatient sink (2 s requests, 1 retry) gives up: the restart strategy brings the job back.
     */
    @Test
    void anOutageThatFailsTheJobIsRecoveredByTheRestartStrategy() throws Exception {
        Set<JobStatus> seen =
                outage(
                        GemragConfig.defaults()
                                .with(GemragOptions.MILVUS_REQUEST_TIMEOUT.key(), "2 s")
                                .with(GemragOptions.MILVUS_SINK_MAX_RETRIES.key(), "1"),
                        false);
        System.out.println("[outage] job states seen: " + seen);
        assertThat(seen)
                .as("the job failed and restarted by itself")
                .contains(JobStatus.RESTARTING);
    }

    private Set<JobStatus> outage(GemragConfig base, boolean politeAnswerExpected)
            throws Exception {
        try (FaultScenario s = FaultScenario.start(dir, base, 11)) {
            String before = s.warmUp();
            assertThat(s.answers.get(before).get(0))
                    .isNotEqualTo(AnswerFunction.RETRIEVAL_UNAVAILABLE);

            List<String> askedDuringOutage = new ArrayList<>();
            s.stack.stopMilvus();
            long end = System.nanoTime() + OUTAGE.toNanos();
            for (int tick = 0; System.nanoTime() < end; tick++) {
                askedDuringOutage.add(s.question());
                switch (tick % 3) {
                    case 0 -> s.document("doc-" + s.rnd.nextInt(6)); // new or updated
                    case 1 -> s.delete("doc-" + s.rnd.nextInt(6));
                    default -> s.document("doc-" + (4 + tick));
                }
                s.settle(); // Kafka is up: sent at once
                long tickEnd = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < tickEnd && System.nanoTime() < end) {
                    s.pollAnswers(); // the outage lasts its length: meanwhile answers are read
                    s.sampleJob();
                }
            }
            s.stack.startMilvus();

            s.awaitAnswers(
                    askedDuringOutage, "an answer to every question asked during the outage");
            s.awaitConverged();
            assertThat(s.sampleJob()).isEqualTo(JobStatus.RUNNING);
            List<String> during =
                    askedDuringOutage.stream().flatMap(q -> s.answers.get(q).stream()).toList();
            System.out.println("[outage] answers to questions asked during the outage: " + during);
            if (politeAnswerExpected) {
                // after a restart a replayed question may be answered once Milvus is back
                assertThat(during).contains(AnswerFunction.RETRIEVAL_UNAVAILABLE);
            }
            assertThat(s.answers.values().stream().flatMap(List::stream))
                    .noneMatch(
                            a ->
                                    a.contains("Exception")
                                            || a.contains("grpc")
                                            || a.contains("DEADLINE"));
            return s.seen;
        }
    }
}
