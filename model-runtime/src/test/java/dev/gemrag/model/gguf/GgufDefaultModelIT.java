package dev.gemrag.model.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.CheckpointLoader;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.tokenizer.SpecialTokens;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loads the real default model (SmolLM2-135M-Instruct Q4_1) once and checks what the forward pass
 * relies on.
 */
class GgufDefaultModelIT {
    private static Path path;
    private static Checkpoint checkpoint;

    @BeforeAll
    static void load() {
        path = DefaultModel.path();
        checkpoint = CheckpointLoader.load(path);
    }

    @Test
    void headerMatchesSmolLm2() {
        GgufFile file = GgufReader.read(path);
        assertThat(file.version()).isEqualTo(3);
        assertThat(file.alignment()).isEqualTo(32);
        assertThat(file.dataOffset() % 32).isZero();
        Map<String, Integer> types = new TreeMap<>();
        file.tensors().values().forEach(t -> types.merge(t.typeName(), 1, Integer::sum));
        System.out.println("tensor types: " + types);
        assertThat(file.tensors()).hasSize(2 + 30 * 9);
    }

    @Test
    void configIsSmolLm2_135m() {
        LlamaConfig c = checkpoint.config();
        assertThat(c)
                .isEqualTo(
                        new LlamaConfig(
                                "llama",
                                49152,
                                576,
                                1536,
                                30,
                                9,
                                3,
                                64,
                                1e-5f,
                                100000f,
                                8192,
                                true,
                                false,
                                RopeLayout.INTERLEAVED));
        assertThat(checkpoint.sha256()).isEqualTo(DefaultModel.SHA256);
    }

    @Test
    void weightsAreDequantisedWithPlausibleStatistics() {
        WeightTensor embd = checkpoint.weights().get("token_embd");
        assertThat(embd.shape()).containsExactly(49152, 576);
        assertThat(checkpoint.weights().has("output")).isFalse();
        for (WeightTensor t : checkpoint.weights().all().values()) {
            double sumSq = 0;
            for (float v : t.data()) {
                sumSq += v * v;
            }
            double rms = Math.sqrt(sumSq / t.size());
            assertThat(Double.isFinite(rms)).as(t.name() + " has no NaN/inf").isTrue();
            // Trained weights: neither all zero nor exploded.
            assertThat(rms).as(t.name()).isBetween(1e-3, 20.0);
        }
    }

    /**
     * Independent reference: llama.cpp's gguf-py (numpy) dequantised the same tensors
     * (tools/fixtures/gguf_dequant_reference.py).
     */
    @Test
    void dequantisedValuesMatchGgufPy() throws Exception {
        JsonNode fixture;
        try (InputStream in =
                getClass().getResourceAsStream("/fixtures/smollm2-gguf-py-dequant.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        assertThat(fixture.get("model_sha256").asText()).isEqualTo(checkpoint.sha256());
        Set<String> types = new TreeSet<>();
        for (JsonNode t : fixture.get("tensors")) {
            types.add(t.get("type").asText());
            WeightTensor w =
                    checkpoint.weights().get(GgufTensorNames.canonical(t.get("name").asText()));
            float[] d = w.data();
            JsonNode head = t.get("first_row_head");
            JsonNode tail = t.get("last_row_tail");
            for (int i = 0; i < head.size(); i++) {
                assertThat(d[i])
                        .as("%s[%d]", w.name(), i)
                        .isEqualTo((float) head.get(i).asDouble());
                assertThat(d[d.length - tail.size() + i])
                        .as("%s tail[%d]", w.name(), i)
                        .isEqualTo((float) tail.get(i).asDouble());
            }
            double sum = 0;
            double sumAbs = 0;
            for (float v : d) {
                sum += v;
                sumAbs += Math.abs(v);
            }
            // sums over every block catch a wrong block anywhere in the tensor
            assertThat(sumAbs)
                    .as(w.name())
                    .isCloseTo(
                            t.get("sum_abs").asDouble(),
                            within(1e-9 * t.get("sum_abs").asDouble()));
            assertThat(sum)
                    .as(w.name())
                    .isCloseTo(t.get("sum").asDouble(), within(1e-9 * t.get("sum_abs").asDouble()));
        }
        assertThat(types).containsExactly("F32", "Q4_1", "Q8_0");
    }

    @Test
    void chatMlTokensTemplateAndEos() {
        SpecialTokens special = SpecialTokens.parse(checkpoint.tokenizerJson());
        assertThat(special.id(SpecialTokens.IM_START)).isEqualTo(1);
        assertThat(special.id(SpecialTokens.IM_END)).isEqualTo(2);
        assertThat(checkpoint.eosTokenIds()).startsWith(2).contains(0);
        assertThat(checkpoint.bosTokenId()).isEqualTo(-1);
        assertThat(checkpoint.chatTemplate())
                .contains("<|im_start|>")
                .contains("add_generation_prompt");
    }
}
