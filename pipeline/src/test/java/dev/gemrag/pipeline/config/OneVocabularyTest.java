package dev.gemrag.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.connectors.milvus.EmptyAclPolicy;
import dev.gemrag.connectors.milvus.MilvusOptions;
import dev.gemrag.connectors.records.json.RecordLimits;
import dev.gemrag.pipeline.job.GemragJob;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

/**
 * The Kafka, record-limit and acl settings live in one set of keys, with their bounds on the
 * options.
 */
class OneVocabularyTest {

    private static GemragConfig set(String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return GemragConfig.load(null, Map.of(), m);
    }

    @Test
    void kafkaKeysAreAcceptedFromEveryOrigin() {
        GemragConfig c =
                GemragConfig.load(
                        null,
                        Map.of(
                                "GEMRAG_KAFKA_DELIVERY_GUARANTEE",
                                "exactly-once",
                                "GEMRAG_KAFKA_STARTING_OFFSETS",
                                "latest"),
                        Map.of("kafka.transactional-id-prefix", "job7"));
        assertThat(c.get(GemragOptions.KAFKA_DELIVERY_GUARANTEE))
                .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(c.get(GemragOptions.KAFKA_STARTING_OFFSETS)).isEqualTo("latest");
        assertThat(c.get(GemragOptions.KAFKA_TRANSACTIONAL_ID_PREFIX)).isEqualTo("job7");
        assertThat(GemragConfig.defaults().get(GemragOptions.KAFKA_DELIVERY_GUARANTEE))
                .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(
                        set("kafka.delivery-guarantee", "none")
                                .get(GemragOptions.KAFKA_DELIVERY_GUARANTEE))
                .isEqualTo(DeliveryGuarantee.NONE);
    }

    @Test
    void kafkaValuesAreCheckedWithOneLine() {
        assertThatThrownBy(() -> set("kafka.starting-offsets", "oldest"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "invalid value 'oldest' for 'kafka.starting-offsets': unknown starting offsets 'oldest': use one of"
                                + " committed-or-earliest, committed-or-latest, earliest, latest (from --set)");
        assertThatThrownBy(() -> set("kafka.delivery-guarantee", "twice"))
                .hasMessage(
                        "invalid value 'twice' for 'kafka.delivery-guarantee': expected one of exactly-once at-least-once none"
                                + " (from --set)");
        assertThatThrownBy(
                        () ->
                                set(
                                        "kafka.delivery-guarantee",
                                        "exactly-once",
                                        "checkpoint.interval",
                                        "0 s"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "kafka.delivery-guarantee exactly-once needs checkpointing: set checkpoint.interval above 0 (from --set)");
        assertThatThrownBy(
                        () ->
                                set(
                                        "kafka.delivery-guarantee",
                                        "exactly-once",
                                        "kafka.transactional-id-prefix",
                                        " "))
                .hasMessage(
                        "invalid value ' ' for 'kafka.transactional-id-prefix': exactly-once needs a transactional id prefix"
                                + " (from --set)");
        // the old connector-only names are not a second vocabulary
        assertThatThrownBy(() -> set("kafka.topics.documents", "d"))
                .hasMessageStartingWith("unknown configuration key 'kafka.topics.documents'");
        assertThatThrownBy(() -> set("milvus.acl.empty", "public"))
                .hasMessageStartingWith("unknown configuration key 'milvus.acl.empty'");
    }

    @Test
    void recordLimitsComeFromTheConfiguration() {
        GemragConfig c =
                set(
                        "records.max-text-bytes",
                        "2048",
                        "records.max-id-bytes",
                        "64",
                        "milvus.acl.max-groups",
                        "3");
        RecordLimits l = GemragOptions.recordLimits(c.flinkConfiguration());
        assertThat(l.maxTextBytes()).isEqualTo(2048);
        assertThat(l.maxIdBytes()).isEqualTo(64);
        assertThat(l.maxGroups()).as("one acl limit for parser, sink and retriever").isEqualTo(3);
        assertThat(l.maxTopK()).isEqualTo(RecordLimits.MAX_TOP_K);
        assertThat(
                        GemragOptions.recordLimits(GemragConfig.defaults().flinkConfiguration())
                                .maxTextBytes())
                .isEqualTo(RecordLimits.defaults().maxTextBytes());
        assertThatThrownBy(() -> set("records.max-text-bytes", "0"))
                .hasMessage(
                        "invalid value '0' for 'records.max-text-bytes': must be positive (from --set)");
    }

    @Test
    void oneValuePerLimitBoundsLiveOnTheOptions() {
        assertThat(GemragOptions.bounds(GemragOptions.ANSWER_TOP_K).max())
                .isEqualTo(RecordLimits.MAX_TOP_K)
                .isEqualTo(100);
        assertThat(GemragOptions.bounds(GemragOptions.ANSWER_MAX_TOKENS).max())
                .isEqualTo(RecordLimits.MAX_MAX_TOKENS)
                .isEqualTo(2048);
        assertThat(dev.gemrag.connectors.milvus.MilvusRetriever.MAX_TOP_K)
                .isEqualTo(RecordLimits.MAX_TOP_K);
        assertThat(set("answer.top-k", "100").get(GemragOptions.ANSWER_TOP_K)).isEqualTo(100);
        assertThat(set("answer.max-tokens", "2048").get(GemragOptions.ANSWER_MAX_TOKENS))
                .isEqualTo(2048);
        assertThatThrownBy(() -> set("answer.top-k", "101"))
                .hasMessage(
                        "invalid value '101' for 'answer.top-k': must be in 1..100 (from --set)");
        assertThatThrownBy(() -> set("answer.max-tokens", "2049"))
                .hasMessage(
                        "invalid value '2049' for 'answer.max-tokens': must be in 1..2048 (from --set)");
        assertThatThrownBy(() -> set("model.threads", "-1"))
                .hasMessage(
                        "invalid value '-1' for 'model.threads': must be in 0..4096 (from --set)");
        assertThat(
                        set(
                                        "embed.retries",
                                        "0",
                                        "chunk.overlap",
                                        "0",
                                        "milvus.sink.retry.max-retries",
                                        "0")
                                .get(GemragOptions.EMBED_RETRIES))
                .isZero();
        var answers =
                GemragJob.answerSettings(set("answer.top-k", "100", "answer.max-tokens", "2048"));
        assertThat(answers.maxTopK()).isEqualTo(100);
        assertThat(answers.maxMaxTokens()).isEqualTo(2048);
    }

    @Test
    void oneNameForTheNoAclVisibility() {
        GemragConfig c = set("acl.no-acl-visibility", "public");
        assertThat(c.flinkConfiguration().get(MilvusOptions.EMPTY_ACL))
                .isEqualTo(EmptyAclPolicy.PUBLIC);
        assertThat(GemragOptions.ACL_NO_ACL_VISIBILITY).isSameAs(MilvusOptions.EMPTY_ACL);
    }

    @Test
    void embedMaxInputTokensReachesTheLoadedModel(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path model = java.nio.file.Files.writeString(dir.resolve("m.gguf"), "x");
        var source =
                dev.gemrag.pipeline.model.ModelResolver.resolve(
                        set(
                                "model.path",
                                model.toString(),
                                "model.adapter",
                                "none",
                                "embed.max-input-tokens",
                                "64"));
        assertThat(source.embedMaxInputTokens()).isEqualTo(64);
        assertThat(source.key()).contains("embed-max=64");
        assertThatThrownBy(() -> set("embed.max-input-tokens", "4"))
                .hasMessage(
                        "invalid value '4' for 'embed.max-input-tokens': must be in 8..8192 (from --set)");
    }
}
