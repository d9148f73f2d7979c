package dev.gemrag.connectors.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.connectors.local.milvus.MilvusLite;
import dev.gemrag.connectors.milvus.CollectionContents.Row;
import dev.gemrag.connectors.milvus.internal.MilvusSinkWriter;
import dev.gemrag.connectors.milvus.internal.SinkSettings;
import dev.gemrag.connectors.records.IndexAction;
import io.milvus.v2.client.MilvusClientV2;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink writer against a real Milvus Lite server: shrink, delete, replay, retries, model checks,
 * re-index.
 */
class MilvusSinkWriterIT {
    static final int DIM = 8;
    static final String[] ACL = {"staff"};
    static final SinkSettings SETTINGS =
            new SinkSettings(
                    100,
                    Duration.ofSeconds(1),
                    8,
                    Duration.ofMillis(100),
                    Duration.ofSeconds(2),
                    FieldOverflow.TRUNCATE);

    /** Deadline of every condition wait: generous, the machine may be saturated. */
    static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir static Path tmp;
    static MilvusLite milvus;
    static MilvusClientV2 client;

    @BeforeAll
    static void start() throws Exception {
        milvus = MilvusLite.start(tmp.resolve("milvus"));
        client = MilvusConnection.of(milvus.uri()).connect();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (milvus != null) {
            milvus.close();
            assertThat(milvus.isRunning()).isFalse();
        }
    }

    static CollectionSpec spec(TestInfo info) {
        String name = info.getTestMethod().orElseThrow().getName();
        return CollectionSpec.builder("test/" + name, DIM).alias("a_" + name).build();
    }

    static MilvusSinkWriter writer(CollectionSpec spec, SinkSettings settings) throws Exception {
        return new MilvusSinkWriter(
                MilvusConnection.of(milvus.uri()).withRequestTimeout(Duration.ofSeconds(2)),
                spec,
                settings,
                null,
                new UnregisteredMetricsGroup());
    }

    static IndexAction upsert(CollectionSpec spec, String doc, long version, int chunks) {
        List<String> texts =
                IntStream.range(0, chunks)
                        .mapToObj(i -> doc + " v" + version + " part " + i)
                        .toList();
        return FakeEmbeddings.action(doc, version, texts, ACL, spec.modelId(), DIM);
    }

    static Map<String, List<Row>> contents(String collection) {
        return CollectionContents.byDoc(CollectionContents.rows(client, collection));
    }

    @Test
    void shrinkingDocumentKeepsExactlyItsNewChunksAndDeleteRemovesAll(TestInfo info)
            throws Exception {
        shrinkAndDelete(spec(info), SETTINGS);
    }

    @Test
    void documentsWithMoreChunksThanOneLookupReturnsAreCleanedByExpression(TestInfo info)
            throws Exception {
        // a lookup window of 3 rows: every flush below takes the delete-by-expression path
        shrinkAndDelete(
                spec(info),
                new SinkSettings(
                        100,
                        Duration.ofSeconds(1),
                        8,
                        Duration.ofMillis(100),
                        Duration.ofSeconds(2),
                        FieldOverflow.TRUNCATE,
                        3));
    }

    @Test
    void sizeAndTimeBoundsFlushWithoutBeingAsked(TestInfo info) throws Exception {
        CollectionSpec spec = spec(info);
        ManualTimers timers = new ManualTimers();
        SinkSettings settings =
                new SinkSettings(
                        5,
                        Duration.ofMillis(250),
                        2,
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        FieldOverflow.TRUNCATE);
        try (MilvusSinkWriter w =
                new MilvusSinkWriter(
                        MilvusConnection.of(milvus.uri()),
                        spec,
                        settings,
                        timers,
                        new UnregisteredMetricsGroup())) {
            w.write(
                    upsert(spec, "small", 1, 2),
                    null); // 2 rows < 5: buffered, one timer registered
            assertThat(CollectionContents.rows(client, w.collection())).isEmpty();
            assertThat(timers.pending).hasSize(1);
            assertThat(timers.pendingAt.get(0)).isEqualTo(timers.now + 250);
            w.write(upsert(spec, "small2", 1, 1), null); // still below: no second timer
            assertThat(timers.pending).hasSize(1);
            timers.fireAll();
            assertThat(contents(w.collection()).keySet()).containsExactly("small", "small2");
            w.write(upsert(spec, "big", 1, 6), null); // 6 rows >= 5: flushed at once
            assertThat(contents(w.collection()).get("big")).hasSize(6);
        }
    }

    /** Hand-driven processing-time service: the test decides when timers fire. */
    static final class ManualTimers
            implements org.apache.flink.api.common.operators.ProcessingTimeService {
        final long now = 1_000;
        final List<ProcessingTimeCallback> pending = new ArrayList<>();
        final List<Long> pendingAt = new ArrayList<>();

        @Override
        public long getCurrentProcessingTime() {
            return now;
        }

        @Override
        public java.util.concurrent.ScheduledFuture<?> registerTimer(
                long timestamp, ProcessingTimeCallback target) {
            pending.add(target);
            pendingAt.add(timestamp);
            return null;
        }

        void fireAll() throws Exception {
            List<ProcessingTimeCallback> due = new ArrayList<>(pending);
            pending.clear();
            pendingAt.clear();
            for (ProcessingTimeCallback c : due) {
                c.onProcessingTime(now + 1_000);
            }
        }
    }

    private static void shrinkAndDelete(CollectionSpec spec, SinkSettings settings)
            throws Exception {
        try (MilvusSinkWriter w = writer(spec, settings)) {
            w.write(upsert(spec, "doc", 1, 9), null);
            w.write(upsert(spec, "other", 1, 3), null);
            w.flush(false);
            assertThat(contents(w.collection()).get("doc")).hasSize(9);

            w.write(upsert(spec, "doc", 2, 2), null); // 9 -> 2 chunks
            w.flush(false);
            List<Row> doc = contents(w.collection()).get("doc");
            assertThat(doc).extracting(Row::chunkId).containsExactly("doc#0", "doc#1");
            assertThat(doc).extracting(Row::docVersion).containsOnly(2L);
            assertThat(doc).extracting(Row::text).containsExactly("doc v2 part 0", "doc v2 part 1");

            // the same version re-sent shorter still loses its tail
            w.write(upsert(spec, "doc", 2, 1), null);
            w.flush(false);
            assertThat(contents(w.collection()).get("doc"))
                    .extracting(Row::chunkId)
                    .containsExactly("doc#0");

            w.write(IndexAction.delete("doc", 3), null);
            w.flush(false);
            Map<String, List<Row>> after = contents(w.collection());
            assertThat(after).doesNotContainKey("doc");
            assertThat(after.get("other")).hasSize(3); // untouched
        }
    }

    @Test
    void actionsForOneDocumentInOneBatchEndInTheLastOnesState(TestInfo info) throws Exception {
        CollectionSpec spec = spec(info);
        try (MilvusSinkWriter w = writer(spec, SETTINGS)) {
            w.write(upsert(spec, "a", 1, 5), null);
            w.write(upsert(spec, "b", 1, 4), null);
            w.write(IndexAction.delete("a", 2), null);
            w.write(upsert(spec, "a", 3, 2), null);
            w.write(upsert(spec, "b", 2, 6), null);
            w.write(IndexAction.delete("b", 3), null);
            w.flush(false);
            Map<String, List<Row>> c = contents(w.collection());
            assertThat(c.keySet()).containsExactly("a");
            assertThat(c.get("a"))
                    .extracting(Row::text)
                    .containsExactly("a v3 part 0", "a v3 part 1");
        }
    }

    @Test
    void replayingTheSameActionsGivesTheSameStateWithoutDuplicates(TestInfo info) throws Exception {
        CollectionSpec spec = spec(info);
        List<IndexAction> stream = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 60; i++) {
            String doc = "d" + rnd.nextInt(12);
            stream.add(
                    rnd.nextInt(5) == 0
                            ? IndexAction.delete(doc, i)
                            : upsert(spec, doc, i, 1 + rnd.nextInt(9)));
        }
        SinkSettings small =
                new SinkSettings(
                        7,
                        Duration.ofSeconds(1),
                        3,
                        Duration.ofMillis(50),
                        Duration.ofMillis(200),
                        FieldOverflow.TRUNCATE);
        Map<String, List<Row>> once;
        try (MilvusSinkWriter w = writer(spec, small)) {
            for (IndexAction a : stream) {
                w.write(a, null);
            }
            w.flush(true);
            once = contents(w.collection());
            // replay from the middle, as after a failure, twice
            for (int r = 0; r < 2; r++) {
                for (IndexAction a : stream.subList(25, stream.size())) {
                    w.write(a, null);
                }
                w.flush(true);
            }
            List<Row> rows = CollectionContents.rows(client, w.collection());
            assertThat(rows).extracting(Row::chunkId).doesNotHaveDuplicates();
            assertThat(contents(w.collection())).isEqualTo(once);
        }
        // the state is the last action per document
        Map<String, IndexAction> last = new java.util.TreeMap<>();
        stream.forEach(a -> last.put(a.docId, a));
        last.values().removeIf(IndexAction::isDelete);
        assertThat(once.keySet()).isEqualTo(last.keySet());
        last.forEach(
                (doc, a) ->
                        assertThat(once.get(doc))
                                .extracting(Row::text)
                                .containsExactlyElementsOf(
                                        a.chunks.stream().map(c -> c.text()).toList()));
    }

    @Test
    void retriesWhileTheServerIsDownAndFinishesWhenItIsBack(TestInfo info) throws Exception {
        CollectionSpec spec = spec(info);
        // This test stops its server: it owns one, so a failure here cannot break the tests after
        // it.
        // Retries span ~2 min (40 x up to 3 s): a restart on a saturated machine takes tens of
        // seconds.
        SinkSettings patient =
                new SinkSettings(
                        100,
                        Duration.ofSeconds(1),
                        40,
                        Duration.ofMillis(100),
                        Duration.ofSeconds(3),
                        FieldOverflow.TRUNCATE);
        Path dataDir = tmp.resolve("restarted");
        MilvusLite own = MilvusLite.start(dataDir);
        try {
            MilvusConnection connection =
                    MilvusConnection.of(own.uri()).withRequestTimeout(Duration.ofSeconds(2));
            try (MilvusSinkWriter w =
                    new MilvusSinkWriter(
                            connection, spec, patient, null, new UnregisteredMetricsGroup())) {
                w.write(upsert(spec, "before", 1, 2), null);
                w.flush(false);
                MilvusRetriever retriever =
                        MilvusRetriever.builder()
                                .setUri(own.uri())
                                .setAlias(spec.alias())
                                .setModelId(spec.modelId())
                                .build();
                retriever.open();
                int port = own.port();
                own.close();
                w.write(upsert(spec, "during", 1, 3), null);
                CompletableFuture<Void> flush =
                        CompletableFuture.runAsync(
                                () -> {
                                    try {
                                        w.flush(false);
                                    } catch (Exception e) {
                                        throw new RuntimeException(e);
                                    }
                                });
                waitUntil(() -> w.retries() >= 2 || flush.isDone(), "the writer retrying");
                assertThat(flush).as("still retrying while the server is down").isNotDone();
                own = MilvusLite.start(dataDir, port);
                flush.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                MilvusClientV2 c = MilvusConnection.of(own.uri()).connect();
                try {
                    Map<String, List<Row>> rows =
                            CollectionContents.byDoc(CollectionContents.rows(c, w.collection()));
                    assertThat(rows.get("before")).hasSize(2);
                    assertThat(rows.get("during")).hasSize(3);
                } finally {
                    c.close();
                }
                // a retriever opened before the restart finds the (released, then reloaded)
                // collection again
                float[] q = FakeEmbeddings.of("during v1 part 2", DIM);
                assertThat(retriever.search(q, 1, List.of("staff")))
                        .extracting(RetrievedChunk::chunkId)
                        .containsExactly("during#2");
                retriever.close();
            }
        } finally {
            own.close();
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out after " + WAIT.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void givesUpLoudlyNamingTheCollection(TestInfo info) throws Exception {
        CollectionSpec spec = spec(info);
        SinkSettings impatient =
                new SinkSettings(
                        100,
                        Duration.ofSeconds(1),
                        2,
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        FieldOverflow.TRUNCATE);
        try (MilvusLite doomed = MilvusLite.start(tmp.resolve("doomed"))) {
            MilvusSinkWriter w =
                    new MilvusSinkWriter(
                            MilvusConnection.of(doomed.uri())
                                    .withRequestTimeout(Duration.ofMillis(500)),
                            spec,
                            impatient,
                            null,
                            new UnregisteredMetricsGroup());
            try (w) {
                doomed.close();
                w.write(upsert(spec, "x", 1, 1), null);
                assertThatThrownBy(() -> w.flush(false))
                        .isInstanceOf(MilvusWriteException.class)
                        .hasMessageContaining("DEADLINE_EXCEEDED")
                        .hasMessageContaining(
                                "on collection '"
                                        + spec.collectionName()
                                        + "' still failing after 3 "
                                        + "attempts, giving up: ");
            }
        }
    }

    @Test
    void refusesVectorsOfAnotherModelOrDimensionAndCollectionsOfAnotherModel(TestInfo info)
            throws Exception {
        CollectionSpec spec = spec(info);
        try (MilvusSinkWriter w = writer(spec, SETTINGS)) {
            CollectionSpec otherModel = CollectionSpec.builder("someone-else", DIM).build();
            assertThatThrownBy(
                            () ->
                                    w.write(
                                            FakeEmbeddings.action(
                                                    "x", 1, List.of("t"), ACL, "someone-else", DIM),
                                            null))
                    .hasMessageContaining("embedded by model 'someone-else'");
            assertThatThrownBy(
                            () ->
                                    w.write(
                                            FakeEmbeddings.action(
                                                    "x",
                                                    1,
                                                    List.of("t"),
                                                    ACL,
                                                    spec.modelId(),
                                                    DIM + 1),
                                            null))
                    .hasMessageContaining("9-dimensional embedding");
            CollectionManager manager = new CollectionManager(client);
            assertThatThrownBy(() -> manager.verify(w.collection(), otherModel))
                    .hasMessageContaining(
                            "holds vectors of model '"
                                    + spec.modelId()
                                    + "' (dim 8), not of model "
                                    + "'someone-else'");
            assertThat(manager.describe(spec.alias()))
                    .isEqualTo(
                            new CollectionManager.StoredCollection(
                                    spec.collectionName(),
                                    spec.modelId(),
                                    DIM,
                                    true,
                                    TextAnalyzer.ENGLISH));
        }
    }

    @Test
    void reindexFillsANewCollectionThenSwapsTheAlias(TestInfo info) throws Exception {
        CollectionSpec v1 = spec(info);
        try (MilvusSinkWriter w = writer(v1, SETTINGS)) {
            w.write(upsert(v1, "doc", 1, 2), null);
            w.flush(true);
        }
        CollectionSpec v2 = CollectionSpec.builder("test/new-model", 12).alias(v1.alias()).build();
        CollectionManager manager = new CollectionManager(client);
        var previous =
                manager.reindex(
                        v2,
                        collection -> {
                            // during the fill, readers still see the old model
                            assertThat(manager.describe(v1.alias()).modelId())
                                    .isEqualTo(v1.modelId());
                            try (MilvusSinkWriter w = writer(v2, SETTINGS)) {
                                w.write(
                                        FakeEmbeddings.action(
                                                "doc", 2, List.of("new"), ACL, v2.modelId(), 12),
                                        null);
                                w.flush(true);
                            }
                        });
        assertThat(previous).contains(v1.collectionName());
        assertThat(manager.describe(v1.alias()))
                .isEqualTo(
                        new CollectionManager.StoredCollection(
                                v2.collectionName(),
                                "test/new-model",
                                12,
                                true,
                                TextAnalyzer.ENGLISH));
        assertThat(CollectionContents.rows(client, v1.alias()))
                .extracting(Row::text)
                .containsExactly("new");
        assertThat(CollectionContents.rows(client, v1.collectionName()))
                .hasSize(2); // old one kept, unmixed
    }
}
