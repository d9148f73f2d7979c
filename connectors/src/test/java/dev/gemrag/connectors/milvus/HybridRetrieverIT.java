package dev.gemrag.connectors.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.connectors.local.milvus.MilvusLite;
import dev.gemrag.connectors.milvus.internal.MilvusSinkWriter;
import dev.gemrag.connectors.milvus.internal.SinkSettings;
import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.IndexAction;
import dev.gemrag.connectors.records.RetrievalMode;
import io.milvus.v2.client.MilvusClientV2;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full-text (BM25) and hybrid retrieval against a real Milvus Lite: words found only in one
 * document's text, a dense-only collection of an earlier version that keeps serving, and the
 * re-index that gives it full-text search.
 */
class HybridRetrieverIT {
    static final int DIM = 16;
    static final String[] ACL = {"staff"};
    static final SinkSettings SETTINGS =
            new SinkSettings(
                    500,
                    Duration.ofSeconds(1),
                    2,
                    Duration.ofMillis(100),
                    Duration.ofMillis(500),
                    FieldOverflow.TRUNCATE);
    static final List<String> FILLER =
            List.of(
                    "the system reads the configuration file at start",
                    "a process writes its output to the terminal",
                    "files are copied between directories",
                    "the network interface is configured by the administrator",
                    "a user changes the password",
                    "the kernel loads a module",
                    "logs are rotated every week",
                    "packages are installed from a mirror");

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
        }
    }

    static MilvusSinkWriter writer(CollectionSpec spec) throws Exception {
        return new MilvusSinkWriter(
                MilvusConnection.of(milvus.uri()),
                spec,
                SETTINGS,
                null,
                new UnregisteredMetricsGroup());
    }

    /** 24 filler documents plus "rare", whose text alone holds the words quokka and xylograph. */
    static void fill(CollectionSpec spec) throws Exception {
        Random rnd = new Random(7);
        try (MilvusSinkWriter w = writer(spec)) {
            for (int d = 0; d < 24; d++) {
                List<String> texts =
                        List.of(
                                FILLER.get(rnd.nextInt(FILLER.size())),
                                FILLER.get(rnd.nextInt(FILLER.size())));
                w.write(FakeEmbeddings.action("doc" + d, 1, texts, ACL, spec.modelId(), DIM), null);
            }
            w.write(IndexAction.upsert("rare", 1, spec.modelId(), List.of(rare())), null);
            w.flush(true);
        }
    }

    /** Its vector is the opposite of the question's: dense search ranks it last. */
    static Chunk rare() {
        float[] v = FakeEmbeddings.of("question", DIM).clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = -v[i];
        }
        return new Chunk(
                "rare#0",
                "rare",
                1,
                0,
                "an old print",
                "a quokka sat on the xylograph",
                ACL,
                "{}",
                v);
    }

    static MilvusRetriever retriever(String alias, String model) {
        // the fused scores below are worked out for a 0.2 / 0.8 weighted fusion (not the configured
        // default)
        MilvusRetriever r =
                MilvusRetriever.builder()
                        .setUri(milvus.uri())
                        .setAlias(alias)
                        .setModelId(model)
                        .setFusion(new HybridFusion(FusionMethod.WEIGHTED, 0.2, 60))
                        .build();
        r.open();
        return r;
    }

    @Test
    void wordsOfOneDocumentFindItInSparseAndHybridEvenWhenItsVectorIsFarthest() throws Exception {
        CollectionSpec spec =
                CollectionSpec.builder("test/hybrid", DIM).alias("hybrid_chunks").build();
        assertThat(spec.fullText()).isTrue();
        fill(spec);
        float[] question = FakeEmbeddings.of("question", DIM);
        try (MilvusRetriever r = retriever(spec.alias(), spec.modelId())) {
            assertThat(r.fullText()).isTrue();
            assertThat(r.defaultMode()).isEqualTo(RetrievalMode.HYBRID);
            List<RetrievedChunk> dense =
                    r.search("quokka xylograph", question, RetrievalMode.DENSE, 3, ACL_LIST);
            assertThat(dense)
                    .extracting(RetrievedChunk::chunkId)
                    .doesNotContain("rare#0"); // the test can fail
            List<RetrievedChunk> sparse =
                    r.search("quokka xylograph", question, RetrievalMode.SPARSE, 3, ACL_LIST);
            assertThat(sparse)
                    .extracting(RetrievedChunk::chunkId)
                    .containsExactly("rare#0"); // no other has them
            assertThat(sparse.get(0).score())
                    .isPositive(); // BM25 > 0 (Milvus Lite answers it negated)
            assertThat(sparse.get(0).text()).isEqualTo("a quokka sat on the xylograph");
            assertThat(sparse.get(0).title()).isEqualTo("an old print");
            // case-insensitive (standard analyzer), and the title line is searched too
            assertThat(r.search("QUOKKA", null, RetrievalMode.SPARSE, 3, ACL_LIST))
                    .extracting(RetrievedChunk::chunkId)
                    .containsExactly("rare#0");
            assertThat(r.search("print", null, RetrievalMode.SPARSE, 3, ACL_LIST))
                    .extracting(RetrievedChunk::chunkId)
                    .containsExactly("rare#0");
            List<RetrievedChunk> hybrid =
                    r.search("quokka xylograph", question, null, 3, ACL_LIST); // default mode
            assertThat(hybrid).hasSize(3);
            assertThat(hybrid.get(0).chunkId()).isEqualTo("rare#0");
            // weighted 0.2 / 0.8: rare = 0.8 * 1 + 0.2 * 0 (worst cosine); the best dense chunk
            // gets 0.2 at most
            assertThat(hybrid.get(0).score())
                    .isCloseTo(0.8f, org.assertj.core.api.Assertions.within(1e-5f));
            assertThat(hybrid.get(1).score()).isLessThanOrEqualTo(0.2f + 1e-5f);
            // other groups see nothing of it in any mode
            for (RetrievalMode m : RetrievalMode.values()) {
                assertThat(r.search("quokka xylograph", question, m, 5, List.of("hr"))).isEmpty();
            }
            assertThat(r.search("!!!", question, RetrievalMode.SPARSE, 5, ACL_LIST))
                    .isEmpty(); // no words
            assertThatThrownBy(() -> r.search(null, question, RetrievalMode.SPARSE, 5, ACL_LIST))
                    .hasMessage("retrieval mode sparse needs the question text");
            assertThatThrownBy(() -> r.search("quokka", null, RetrievalMode.HYBRID, 5, ACL_LIST))
                    .hasMessageContaining("question vector has 0 dimensions");
        }
        MilvusRetriever rrf =
                MilvusRetriever.builder()
                        .setUri(milvus.uri())
                        .setAlias(spec.alias())
                        .setFusion(new HybridFusion(FusionMethod.RRF, 0.5, 60))
                        .build();
        rrf.open();
        try (rrf) { // rare: 1/(60 + 1) as BM25's first + 1/(60 + its dense rank); 49 chunks, 50
            // candidates
            List<String> denseOrder =
                    rrf.search(null, question, RetrievalMode.DENSE, 50, ACL_LIST).stream()
                            .map(RetrievedChunk::chunkId)
                            .toList();
            assertThat(denseOrder).hasSize(49);
            int denseRank = denseOrder.indexOf("rare#0") + 1;
            assertThat(denseRank).isGreaterThan(40);
            List<RetrievedChunk> hits =
                    rrf.search("quokka xylograph", question, RetrievalMode.HYBRID, 49, ACL_LIST);
            RetrievedChunk rare =
                    hits.stream()
                            .filter(h -> h.chunkId().equals("rare#0"))
                            .findFirst()
                            .orElseThrow();
            assertThat(rare.score())
                    .isCloseTo(
                            (float) (1.0 / 61 + 1.0 / (60 + denseRank)),
                            org.assertj.core.api.Assertions.within(1e-6f));
            // the best dense chunk has 1/61 and nothing from BM25: rare stays first
            assertThat(hits.get(0).chunkId()).isEqualTo("rare#0");
        }
    }

    @Test
    void aDenseOnlyCollectionKeepsServingDenseAndIsKeptUntilAReindex() throws Exception {
        CollectionSpec full =
                CollectionSpec.builder("test/legacy", DIM).alias("legacy_chunks").build();
        CollectionSpec old = full.withFullText(false);
        assertThat(old.collectionName())
                .isNotEqualTo(full.collectionName()); // a new layout, a new collection
        // the name earlier versions gave: hash of the model id alone
        assertThat(old.collectionName())
                .isEqualTo(
                        "gemrag_test_legacy_"
                                + java.util.HexFormat.of()
                                        .formatHex(
                                                java.security.MessageDigest.getInstance("SHA-256")
                                                        .digest(
                                                                "test/legacy"
                                                                        .getBytes(
                                                                                java.nio.charset
                                                                                        .StandardCharsets
                                                                                        .UTF_8)),
                                                0,
                                                4)
                                + "_d16");
        fill(old);
        CollectionManager manager = new CollectionManager(client);
        assertThat(manager.describe(old.alias()).fullText()).isFalse();

        float[] question = FakeEmbeddings.of("question", DIM);
        try (MilvusRetriever r = retriever(old.alias(), old.modelId())) {
            assertThat(r.fullText()).isFalse();
            List<RetrievedChunk> dense =
                    r.search("quokka xylograph", question, RetrievalMode.DENSE, 4, ACL_LIST);
            assertThat(dense).hasSize(4);
            for (RetrievalMode m :
                    List.of(RetrievalMode.SPARSE, RetrievalMode.HYBRID)) { // served as dense
                assertThat(r.search("quokka xylograph", question, m, 4, ACL_LIST)).isEqualTo(dense);
            }
            assertThat(r.search("quokka", question, null, 4, ACL_LIST)).isEqualTo(dense);
        }

        // a job of this version (full-text spec) keeps writing the collection the alias serves
        assertThat(manager.ensureCollection(full)).isEqualTo(old.collectionName());
        assertThat(manager.exists(full.collectionName())).isFalse();
        try (MilvusSinkWriter w = writer(full)) {
            assertThat(w.collection()).isEqualTo(old.collectionName());
            w.write(
                    FakeEmbeddings.action(
                            "late", 1, List.of("a late addition"), ACL, full.modelId(), DIM),
                    null);
            w.flush(true);
        }
        assertThat(CollectionContents.rows(client, old.collectionName()))
                .extracting(CollectionContents.Row::docId)
                .contains("late");

        // the re-index creates the full-text layout and moves the alias: hybrid and sparse work
        var previous =
                manager.reindex(
                        full,
                        name -> {
                            assertThat(name).isEqualTo(full.collectionName());
                            fill(full);
                        });
        assertThat(previous).contains(old.collectionName());
        try (MilvusRetriever r = retriever(full.alias(), full.modelId())) {
            assertThat(r.fullText()).isTrue();
            assertThat(r.search("quokka xylograph", question, RetrievalMode.SPARSE, 3, ACL_LIST))
                    .extracting(RetrievedChunk::chunkId)
                    .containsExactly("rare#0");
        }
    }

    static final List<String> ACL_LIST = List.of(ACL);

    static String sha256Prefix(String s) throws Exception {
        byte[] h =
                java.security.MessageDigest.getInstance("SHA-256")
                        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(h, 0, 4);
    }

    /** One chunk whose words are inflected forms: "compresses", "archives", "nightly". */
    static void writeInflected(CollectionSpec spec, String docId) throws Exception {
        try (MilvusSinkWriter w = writer(spec)) {
            Chunk c =
                    new Chunk(
                            docId + "#0",
                            docId,
                            1,
                            0,
                            "gzipd",
                            "The daemon compresses archives nightly",
                            ACL,
                            "{}",
                            FakeEmbeddings.of(docId, DIM));
            w.write(IndexAction.upsert(docId, 1, spec.modelId(), List.of(c)), null);
            w.flush(true);
        }
    }

    @Test
    void anEnglishCollectionMatchesOtherFormsOfAWordAndAStandardOneKeepsItsAnalyzer()
            throws Exception {
        CollectionSpec english =
                CollectionSpec.builder("test/stems", DIM).alias("stems_chunks").build();
        assertThat(english.textAnalyzer()).isEqualTo(TextAnalyzer.ENGLISH); // the default
        CollectionSpec standard =
                CollectionSpec.builder("test/stems-legacy", DIM)
                        .alias("stems_standard")
                        .textAnalyzer(TextAnalyzer.STANDARD)
                        .build();
        // stemmed and unstemmed text never share a collection; STANDARD keeps the earlier name
        assertThat(CollectionSpec.builder(standard.modelId(), DIM).build().collectionName())
                .isNotEqualTo(standard.collectionName());
        assertThat(standard.collectionName())
                .isEqualTo(
                        "gemrag_test_stems_legacy_"
                                + sha256Prefix("test/stems-legacy\nschema=2")
                                + "_d16");
        fill(english);
        writeInflected(english, "inflected");
        fill(standard);
        writeInflected(standard, "inflected");
        CollectionManager manager = new CollectionManager(client);
        assertThat(manager.describe(english.alias()).textAnalyzer())
                .isEqualTo(TextAnalyzer.ENGLISH);
        assertThat(manager.describe(standard.alias()).textAnalyzer())
                .isEqualTo(TextAnalyzer.STANDARD);

        String question = "compressing an archive";
        try (MilvusRetriever r = retriever(english.alias(), english.modelId())) {
            assertThat(r.search(question, null, RetrievalMode.SPARSE, 3, ACL_LIST))
                    .extracting(RetrievedChunk::chunkId)
                    .first()
                    .isEqualTo("inflected#0");
        }
        try (MilvusRetriever r = retriever(standard.alias(), standard.modelId())) {
            // no word of the question occurs as such in the chunk: the test can fail
            assertThat(r.search(question, null, RetrievalMode.SPARSE, 3, ACL_LIST))
                    .extracting(RetrievedChunk::chunkId)
                    .doesNotContain("inflected#0");
            assertThat(r.search("compresses archives", null, RetrievalMode.SPARSE, 3, ACL_LIST))
                    .extracting(RetrievedChunk::chunkId)
                    .containsExactly("inflected#0");
        }

        // a job of this version (english spec) keeps writing, in its layout, the standard
        // collection the alias serves
        CollectionSpec upgraded =
                CollectionSpec.builder(standard.modelId(), DIM).alias(standard.alias()).build();
        assertThat(manager.ensureCollection(upgraded)).isEqualTo(standard.collectionName());
        assertThat(manager.exists(upgraded.collectionName())).isFalse();
        writeInflected(upgraded, "late");
        try (MilvusRetriever r = retriever(standard.alias(), standard.modelId())) {
            assertThat(r.search("compresses archives", null, RetrievalMode.SPARSE, 3, ACL_LIST))
                    .extracting(RetrievedChunk::chunkId)
                    .containsExactlyInAnyOrder("inflected#0", "late#0");
        }
    }

    @Test
    void searchTextIsTheTitleLineAndTheChunkCutToTheStoredFields() throws Exception {
        CollectionSpec spec =
                CollectionSpec.builder("test/searchtext", DIM)
                        .alias("searchtext_chunks")
                        .titleMaxLength(8)
                        .textMaxLength(12)
                        .build();
        assertThat(spec.searchTextMaxLength()).isEqualTo(21);
        List<Chunk> chunks = new ArrayList<>();
        chunks.add(
                new Chunk(
                        "long#0",
                        "long",
                        1,
                        0,
                        "titleword beyond",
                        "first words tailword",
                        ACL,
                        "{}",
                        FakeEmbeddings.of("x", DIM)));
        try (MilvusSinkWriter w = writer(spec)) {
            w.write(IndexAction.upsert("long", 1, spec.modelId(), chunks), null);
            w.flush(true);
        }
        try (MilvusRetriever r = retriever(spec.alias(), spec.modelId())) {
            // stored title "titlewor", text "first words ": only those words are searchable
            assertThat(r.search("first", null, RetrievalMode.SPARSE, 3, ACL_LIST)).hasSize(1);
            assertThat(r.search("titlewor", null, RetrievalMode.SPARSE, 3, ACL_LIST)).hasSize(1);
            assertThat(r.search("tailword", null, RetrievalMode.SPARSE, 3, ACL_LIST)).isEmpty();
            assertThat(r.search("beyond", null, RetrievalMode.SPARSE, 3, ACL_LIST)).isEmpty();
        }
    }
}
