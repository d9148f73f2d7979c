package dev.gemrag.connectors.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.connectors.local.milvus.MilvusLite;
import dev.gemrag.connectors.milvus.internal.MilvusSinkWriter;
import dev.gemrag.connectors.milvus.internal.SinkSettings;
import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.IndexAction;
import dev.gemrag.connectors.records.RetrievalMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ACL filter against a real Milvus Lite: seeded random documents and questions (group names
 * include injection attempts, brackets, quotes, backslashes, unicode). No hit may carry a chunk
 * whose acl misses all of the question's groups, and every readable chunk is found (top-k covers
 * them all), in every retrieval mode: the dense and the BM25 leg each carry the filter.
 */
class MilvusRetrieverIT {
    static final String MODEL = "test/retriever";
    static final int DIM = 16;
    static final String INJECTION = "a\" or \"1\"==\"1";
    static final List<String> POOL =
            List.of(
                    "staff",
                    "hr",
                    "eng",
                    "a",
                    "1",
                    INJECTION,
                    "x\") or (doc_id != \"",
                    "back\\slash",
                    "\\\"",
                    "g\"]) or true or ARRAY_CONTAINS_ANY(acl, [\"",
                    "or",
                    "]",
                    "[",
                    ")",
                    "'",
                    "'single' or 'x'=='x'",
                    "groupe-équipe",
                    "小组",
                    "👩‍💻 devs",
                    "Ω≈ç√",
                    " spaced ",
                    "%_like_%",
                    "$meta",
                    "a\" or \"1\"==\"1 ");
    static final int TOTAL_CHUNK_BOUND =
            100; // a search may return every chunk: top_k's limit is 100

    /** Query text whose words occur in every chunk's text (BM25 finds them all). */
    static final String EVERY_CHUNK_WORDS = "chunk ctl secret";

    @TempDir static Path tmp;
    static MilvusLite milvus;
    static CollectionSpec spec;

    /** chunk id -> its acl, and -> its vector: the test's own truth. */
    static final Map<String, Set<String>> aclOf = new HashMap<>();

    static final Map<String, float[]> vectorOf = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        milvus = MilvusLite.start(tmp.resolve("milvus"));
        spec = CollectionSpec.builder(MODEL, DIM).alias("retriever_chunks").build();
        Random rnd = new Random(1234);
        // retries generous enough for a saturated machine (a slow answer is a deadline, retried)
        SinkSettings settings =
                new SinkSettings(
                        500,
                        Duration.ofSeconds(1),
                        8,
                        Duration.ofMillis(100),
                        Duration.ofSeconds(2),
                        FieldOverflow.TRUNCATE);
        try (MilvusSinkWriter w =
                new MilvusSinkWriter(
                        MilvusConnection.of(milvus.uri()),
                        spec,
                        settings,
                        null,
                        new UnregisteredMetricsGroup())) {
            for (int d = 0; d < 30; d++) { // at most 90 chunks, under TOTAL_CHUNK_BOUND
                String doc = "d" + d;
                int groups = rnd.nextInt(4); // 0 = no acl
                List<String> shuffled = new ArrayList<>(POOL);
                Collections.shuffle(shuffled, rnd);
                String[] acl = shuffled.subList(0, groups).toArray(String[]::new);
                List<String> texts = new ArrayList<>();
                for (int c = 0; c < 1 + rnd.nextInt(3); c++) {
                    texts.add(doc + " chunk " + c + " " + rnd.nextInt());
                }
                List<Chunk> chunks = FakeEmbeddings.chunks(doc, 1, texts, acl, DIM);
                chunks.forEach(
                        c -> {
                            aclOf.put(c.chunkId(), new HashSet<>(Arrays.asList(acl)));
                            vectorOf.put(c.chunkId(), c.embedding());
                        });
                w.write(IndexAction.upsert(doc, 1, MODEL, chunks), null);
            }
            // a stored group with a control character is kept (nobody can ask for it: questions
            // reject it)
            List<Chunk> ctl =
                    FakeEmbeddings.chunks(
                            "ctl",
                            1,
                            List.of("ctl text"),
                            new String[] {"staff", "tab\there"},
                            DIM);
            aclOf.put("ctl#0", Set.of("staff", "tab\there"));
            vectorOf.put("ctl#0", ctl.get(0).embedding());
            w.write(IndexAction.upsert("ctl", 1, MODEL, ctl), null);
            // the injection target: readable by exactly that literal group
            List<Chunk> inj =
                    FakeEmbeddings.chunks(
                            "inj", 1, List.of("secret"), new String[] {INJECTION}, DIM);
            aclOf.put("inj#0", Set.of(INJECTION));
            vectorOf.put("inj#0", inj.get(0).embedding());
            w.write(IndexAction.upsert("inj", 1, MODEL, inj), null);
            w.flush(true);
        }
        assertThat(aclOf.size()).isLessThan(TOTAL_CHUNK_BOUND);
    }

    @AfterAll
    static void stop() {
        if (milvus != null) {
            milvus.close();
        }
    }

    static MilvusRetriever retriever(EmptyAclPolicy policy) {
        // hybrid legs as deep as the collection: the property below expects every readable chunk
        MilvusRetriever r =
                MilvusRetriever.builder()
                        .setUri(milvus.uri())
                        .setAlias(spec.alias())
                        .setModelId(MODEL)
                        .setEmptyAclPolicy(policy)
                        .setCandidates(TOTAL_CHUNK_BOUND)
                        .build();
        r.open(DIM);
        return r;
    }

    static Set<String> readable(Set<String> groups, boolean emptyPublic) {
        return aclOf.entrySet().stream()
                .filter(
                        e ->
                                e.getValue().stream().anyMatch(groups::contains)
                                        || (emptyPublic && e.getValue().isEmpty()))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    @Test
    void randomQuestionsSeeExactlyTheChunksTheirGroupsMayRead() {
        Random rnd = new Random(99);
        int filteredButNotEmpty = 0;
        for (EmptyAclPolicy policy : EmptyAclPolicy.values()) {
            try (MilvusRetriever r = retriever(policy)) {
                for (int q = 0; q < 60; q++) {
                    List<String> shuffled = new ArrayList<>(POOL);
                    Collections.shuffle(shuffled, rnd);
                    Set<String> groups = new HashSet<>(shuffled.subList(0, rnd.nextInt(4)));
                    if (rnd.nextInt(4) == 0) {
                        groups.add("nobody-" + q); // a group no document has
                    }
                    float[] query = FakeEmbeddings.of("question " + q, DIM);
                    Set<String> allowed = readable(groups, policy == EmptyAclPolicy.PUBLIC);
                    // every mode, both legs under the same filter; the text names a word of every
                    // chunk
                    for (RetrievalMode mode : RetrievalMode.values()) {
                        List<RetrievedChunk> hits =
                                r.search(EVERY_CHUNK_WORDS, query, mode, TOTAL_CHUNK_BOUND, groups);
                        Set<String> got =
                                hits.stream()
                                        .map(RetrievedChunk::chunkId)
                                        .collect(Collectors.toSet());
                        for (String id : got) { // safety: never a chunk the groups may not read
                            assertThat(allowed)
                                    .as(
                                            "question %d groups %s policy %s mode %s returned %s with acl %s",
                                            q, groups, policy, mode, id, aclOf.get(id))
                                    .contains(id);
                        }
                        assertThat(got)
                                .as("question %d groups %s mode %s", q, groups, mode)
                                .isEqualTo(allowed);
                        assertThat(hits).hasSize(got.size()); // no duplicates
                        if (mode == RetrievalMode.DENSE
                                && !got.isEmpty()
                                && got.size() < aclOf.size()) {
                            filteredButNotEmpty++;
                        }
                        for (int i = 1; i < hits.size(); i++) {
                            assertThat(hits.get(i).score())
                                    .isLessThanOrEqualTo(hits.get(i - 1).score() + 1e-5f);
                        }
                    }
                }
            }
        }
        assertThat(filteredButNotEmpty)
                .as("questions whose filter kept some but not all chunks")
                .isGreaterThan(40);
    }

    @Test
    void everyInjectionStringIsOnlyALiteralGroup() {
        try (MilvusRetriever r = retriever(EmptyAclPolicy.PRIVATE)) {
            float[] q = vectorOf.get("inj#0");
            List<RetrievedChunk> hits = r.search(q, 5, List.of(INJECTION));
            assertThat(hits).isNotEmpty();
            assertThat(hits.get(0).chunkId()).isEqualTo("inj#0");
            assertThat(hits.get(0).text()).isEqualTo("secret");
            assertThat(hits.get(0).docId()).isEqualTo("inj");
            assertThat(hits.get(0).score()).isGreaterThan(0.999f); // its own vector: cosine 1
            for (String other :
                    List.of(
                            "a",
                            "1",
                            "a\" or \"1\"==\"1 ",
                            "a\\\" or \\\"1\\\"==\\\"1",
                            "A\" OR \"1\"==\"1")) {
                assertThat(r.search(q, TOTAL_CHUNK_BOUND, List.of(other)))
                        .extracting(RetrievedChunk::chunkId)
                        .as(other)
                        .doesNotContain("inj#0");
            }
            for (String group :
                    POOL) { // each pool string, alone, returns exactly the chunks that list it
                for (RetrievalMode mode : RetrievalMode.values()) {
                    Set<String> got =
                            r
                                    .search(
                                            EVERY_CHUNK_WORDS,
                                            q,
                                            mode,
                                            TOTAL_CHUNK_BOUND,
                                            List.of(group))
                                    .stream()
                                    .map(RetrievedChunk::chunkId)
                                    .collect(Collectors.toSet());
                    assertThat(got)
                            .as(group + " " + mode)
                            .isEqualTo(readable(Set.of(group), false));
                }
            }
            // the BM25 leg: the words find the target for its group only, and the question text
            // (quotes,
            // operators) is data to the analyzer, never part of the filter
            for (RetrievalMode mode : List.of(RetrievalMode.SPARSE, RetrievalMode.HYBRID)) {
                String text = "secret " + INJECTION + " ) or true or (";
                // found for its own group (other readable chunks of that group may share BM25 words
                // and rank near it)
                assertThat(r.search(text, q, mode, 5, List.of(INJECTION)))
                        .extracting(RetrievedChunk::chunkId)
                        .as(mode.name())
                        .contains("inj#0");
                for (String other : List.of("a", "1", "a\" or \"1\"==\"1 ", "A\" OR \"1\"==\"1")) {
                    assertThat(r.search(text, q, mode, TOTAL_CHUNK_BOUND, List.of(other)))
                            .extracting(RetrievedChunk::chunkId)
                            .as(mode + " " + other)
                            .doesNotContain("inj#0");
                }
            }
        }
    }

    @Test
    void refusesBadQuestionsAndAnotherModelsCollection() {
        try (MilvusRetriever r = retriever(EmptyAclPolicy.PRIVATE)) {
            assertThat(r.collection()).isEqualTo(spec.collectionName());
            assertThat(r.search(new float[DIM], 5, List.of()))
                    .isEmpty(); // no groups, private: nothing
            assertThatThrownBy(() -> r.search(new float[DIM + 1], 5, List.of("staff")))
                    .hasMessageContaining(
                            "question vector has 17 dimensions, collection '"
                                    + spec.collectionName()
                                    + "' holds 16");
            assertThatThrownBy(() -> r.search(new float[DIM], 5, List.of("line\nbreak")))
                    .hasMessageContaining("control character U+000A");
            assertThatThrownBy(() -> r.search(new float[DIM], 0, List.of("staff")))
                    .hasMessageContaining("top_k must be in 1..100");
            assertThatThrownBy(() -> r.search(new float[DIM], 101, List.of("staff")))
                    .hasMessageContaining("top_k must be in 1..100");
        }
        MilvusRetriever missing =
                MilvusRetriever.builder().setUri(milvus.uri()).setAlias("nothing_here").build();
        assertThatThrownBy(missing::open)
                .hasMessageContaining("Milvus alias 'nothing_here' does not exist")
                .hasMessageContaining("nothing was indexed yet");
        CollectionSpec fresh =
                CollectionSpec.builder("test/fresh", DIM).alias("fresh_chunks").build();
        try (MilvusRetriever early =
                MilvusRetriever.builder().setUri(milvus.uri()).setCollection(fresh).build()) {
            early.open(); // creates the empty collection: a query job may start before the index
            // job
            assertThat(early.collection()).isEqualTo(fresh.collectionName());
            assertThat(early.search(new float[DIM], 3, List.of("staff"))).isEmpty();
        }
        MilvusRetriever wrong =
                MilvusRetriever.builder()
                        .setUri(milvus.uri())
                        .setAlias(spec.alias())
                        .setModelId("another-model")
                        .build();
        assertThatThrownBy(wrong::open)
                .hasMessageContaining(
                        "points at collection '"
                                + spec.collectionName()
                                + "' of model 'test/retriever', but questions are embedded by model 'another-model'");
        MilvusRetriever wider =
                MilvusRetriever.builder()
                        .setUri(milvus.uri())
                        .setAlias(spec.alias())
                        .setModelId(MODEL)
                        .build();
        assertThatThrownBy(() -> wider.open(DIM + 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "Milvus collection '"
                                + spec.collectionName()
                                + "' holds 16-dimensional vectors, but questions are embedded into"
                                + " 17 dimensions");
        assertThat(wider.collection()).as("closed after the refusal").isNull();
    }
}
