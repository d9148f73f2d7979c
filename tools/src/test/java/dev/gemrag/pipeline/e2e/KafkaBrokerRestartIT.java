package dev.gemrag.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.GemragOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process Kafka broker is stopped while the job reads documents and questions and writes
 * answers, and restarted 30 s later on the same port and log directory (embedded stack: the default
 * model, Milvus Lite, the job on a MiniCluster with the configured restart strategy). Documents,
 * deletes and questions keep being sent meanwhile (the test's producer buffers them). After the
 * restart the job recovers by itself, every question is answered exactly once
 * (kafka.delivery-guarantee=exactly-once, read_committed) and Milvus holds exactly the last event
 * of every document. The default at-least-once delivery meets the same restart in
 * StandaloneClusterFailoverIT. The test owns its stack.
 */
@ExtendWith(SharedModel.class) // one model load per module run, not per stack
class KafkaBrokerRestartIT {
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @TempDir Path dir;

    @Test
    void exactlyOnceAnswersAndTheLastEventPerDocumentSurviveABrokerRestart() throws Exception {
        Map<String, List<String>> answers =
                brokerRestart(
                        GemragConfig.defaults()
                                .with(GemragOptions.KAFKA_DELIVERY_GUARANTEE.key(), "exactly-once")
                                .with(
                                        GemragOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key(),
                                        "broker-restart-it"));
        assertThat(answers)
                .as("one committed answer per question")
                .allSatisfy((q, a) -> assertThat(a).hasSize(1));
    }

    /**
     * Runs the outage; returns the answers (question id -> answer texts) to every question asked.
     */
    private Map<String, List<String>> brokerRestart(GemragConfig base) throws Exception {
        try (FaultScenario s = FaultScenario.start(dir, base, 23)) {
            List<String> asked = new ArrayList<>();
            asked.add(s.warmUp());

            // work in flight when the broker goes: the job is reading these and writing their
            // answers
            s.document("doc-4");
            s.document("doc-1");
            asked.add(s.question());
            asked.add(s.question());
            s.settle();
            s.stack.stopKafka();
            long end = System.nanoTime() + OUTAGE.toNanos();
            for (int tick = 0; System.nanoTime() < end; tick++) {
                asked.add(s.question()); // buffered by the producer until the broker is back
                switch (tick % 3) {
                    case 0 -> s.document("doc-" + s.rnd.nextInt(6));
                    case 1 -> s.delete("doc-" + s.rnd.nextInt(6));
                    default -> s.document("doc-" + (5 + tick));
                }
                long tickEnd = Math.min(end, System.nanoTime() + Duration.ofSeconds(5).toNanos());
                while (System.nanoTime() < tickEnd) {
                    s.sampleJob();
                    Thread.sleep(200); // the outage lasts its length; the job's state is sampled
                }
            }
            s.stack.startKafka();
            s.settle(); // every buffered event delivered, in order: the offsets are the versions

            s.awaitAnswers(asked, "an answer to every question");
            s.awaitConverged();
            // answers still on their way (a replay after a restart) have had the time Milvus took
            // to converge; one more checkpoint's worth of polling catches a late duplicate
            long more = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < more) {
                s.pollAnswers();
            }
            System.out.println(
                    "[broker-restart] job states seen: "
                            + s.seen
                            + "; answers per question: "
                            + asked.stream().map(q -> s.answers.get(q).size()).toList());
            assertThat(s.sampleJob())
                    .as("the job recovered by itself")
                    .isEqualTo(JobStatus.RUNNING);
            assertThat(s.answers.keySet()).containsExactlyInAnyOrderElementsOf(asked);
            assertThat(s.answers.values().stream().flatMap(List::stream))
                    .noneMatch(a -> a.startsWith("could not answer") || a.contains("Exception"));
            return s.answers;
        }
    }
}
