package dev.gemrag.connectors.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class MilvusSinkBuilderTest {
    static final CollectionSpec SPEC = CollectionSpec.builder("m", 4).build();

    @Test
    void sanityCheckNamesTheFix() {
        assertThatThrownBy(() -> MilvusSink.builder().setCollection(SPEC).build())
                .hasMessage(
                        "MilvusSink needs a connection: call setConnection(...) or setUri(...)");
        assertThatThrownBy(() -> MilvusSink.builder().setUri("http://h:1").build())
                .hasMessage(
                        "MilvusSink needs a collection: call setCollection(CollectionSpec.builder(modelId, "
                                + "dimension).build())");
        assertThatThrownBy(
                        () ->
                                MilvusSink.builder()
                                        .setUri("http://h:1")
                                        .setCollection(SPEC)
                                        .setBatchMaxRows(0)
                                        .build())
                .hasMessage("milvus.sink.batch.max-rows must be in 1..100000, got 0");
        assertThatThrownBy(
                        () ->
                                MilvusSink.builder()
                                        .setUri("http://h:1")
                                        .setCollection(SPEC)
                                        .setRetries(3, Duration.ofSeconds(5), Duration.ofSeconds(1))
                                        .build())
                .hasMessageContaining(
                        "initial-backoff must be positive and at most milvus.sink.retry.max-backoff");
    }

    @Test
    void configurationKeysReachTheSink() {
        Configuration conf = new Configuration();
        conf.setString("milvus.sink.batch.max-rows", "7");
        conf.setString("milvus.sink.batch.max-interval", "250 ms");
        conf.setString("milvus.field.overflow", "REJECT");
        MilvusSink sink =
                MilvusSink.builder()
                        .setUri("http://h:1")
                        .setCollection(SPEC)
                        .configure(conf)
                        .build();
        assertThat(sink.settings().batchMaxRows()).isEqualTo(7);
        assertThat(sink.settings().batchMaxInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(sink.settings().overflow()).isEqualTo(FieldOverflow.REJECT);
    }

    @Test
    void collectionNamesComeFromModelAndDimension() {
        CollectionSpec a = CollectionSpec.builder("org/Model-1.5", 576).build();
        CollectionSpec b = CollectionSpec.builder("org_Model_1_5", 576).build();
        assertThat(a.collectionName()).matches("gemrag_org_Model_1_5_[0-9a-f]{8}_d576");
        assertThat(a.collectionName())
                .isNotEqualTo(b.collectionName()); // same sanitised text, other model
        assertThat(CollectionSpec.builder("org/Model-1.5", 384).build().collectionName())
                .endsWith("_d384");
        assertThatThrownBy(() -> CollectionSpec.builder("m", 4).alias("bad-alias").build())
                .hasMessageContaining("milvus.alias must be a Milvus name");
        assertThatThrownBy(() -> CollectionSpec.builder(" ", 4).build())
                .hasMessageContaining("needs a model id");
    }

    @Test
    void retrieverRefusesPrivateEmptyQuestionsWithoutSearching() {
        MilvusRetriever r = MilvusRetriever.builder().setUri("http://h:1").build();
        assertThat(r.filterFor(java.util.List.of())).isNull();
        MilvusRetriever pub =
                MilvusRetriever.builder()
                        .setUri("http://h:1")
                        .setEmptyAclPolicy(EmptyAclPolicy.PUBLIC)
                        .build();
        assertThat(pub.filterFor(java.util.List.of())).isEqualTo("array_length(acl) == 0");
        assertThat(pub.filterFor(java.util.List.of("a")))
                .isEqualTo("(ARRAY_CONTAINS_ANY(acl, [\"a\"]) or array_length(acl) == 0)");
        assertThatThrownBy(() -> r.search(new float[4], 3, java.util.List.of("a")))
                .hasMessage("MilvusRetriever.open() was not called");
    }

    @Test
    void fusionKeysReachTheRetriever() {
        assertThat(MilvusRetriever.builder().setUri("http://h:1").build().fusion())
                .satisfies(
                        f -> {
                            assertThat(f.denseNormalization())
                                    .isEqualTo(ScoreNormalization.MIN_MAX);
                            assertThat(f.sparseNormalization())
                                    .isEqualTo(ScoreNormalization.MIN_MAX);
                        });
        Configuration conf = new Configuration();
        conf.setString("retrieval.bm25-normalization", "max");
        conf.setString("retrieval.dense-weight", "0.3");
        HybridFusion f =
                MilvusRetriever.builder().setUri("http://h:1").configure(conf).build().fusion();
        assertThat(f.sparseNormalization()).isEqualTo(ScoreNormalization.MAX);
        assertThat(f.denseNormalization()).isEqualTo(ScoreNormalization.MIN_MAX);
        assertThat(f.denseWeight()).isEqualTo(0.3);
        Configuration bad = new Configuration();
        bad.setString("retrieval.bm25-normalization", "l2");
        assertThatThrownBy(
                        () -> MilvusRetriever.builder().setUri("http://h:1").configure(bad).build())
                .hasMessageContaining("'retrieval.bm25-normalization'")
                .cause()
                .hasMessageContaining("[min-max, z-score, rank, max]");
        // the retriever scales the dense leg min-max: a fusion that says otherwise is refused
        assertThatThrownBy(
                        () ->
                                MilvusRetriever.builder()
                                        .setFusion(
                                                new HybridFusion(
                                                        FusionMethod.WEIGHTED,
                                                        0.5,
                                                        60,
                                                        ScoreNormalization.RANK)))
                .hasMessage("the retriever scales the dense leg min-max, got rank");
    }
}
