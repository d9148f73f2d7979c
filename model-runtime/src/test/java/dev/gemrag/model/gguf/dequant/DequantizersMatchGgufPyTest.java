package dev.gemrag.model.gguf.dequant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.model.gguf.GgmlType;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Random blocks of every quantised type, dequantised by llama.cpp's gguf-py (numpy) as the
 * reference (tools/fixtures/gguf_block_reference.py); our values must agree to float rounding.
 */
class DequantizersMatchGgufPyTest {

    @Test
    void everyQuantisedTypeMatchesTheReference() throws Exception {
        JsonNode fixture;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/gguf-py-blocks.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        Set<String> checked = new TreeSet<>();
        for (JsonNode c : fixture.get("cases")) {
            GgmlType type = GgmlType.valueOf(c.get("type").asText());
            byte[] raw = HexFormat.of().parseHex(c.get("hex").asText());
            JsonNode expected = c.get("values");
            float[] actual = Dequantizers.dequantize(type, ByteBuffer.wrap(raw), expected.size());
            for (int i = 0; i < actual.length; i++) {
                float e = (float) expected.get(i).asDouble();
                // numpy may order the multiply-adds differently: allow a few float ulps
                assertThat(actual[i])
                        .as("%s value %d", type, i)
                        .isCloseTo(
                                e,
                                org.assertj.core.api.Assertions.within(
                                        4 * Math.ulp(Math.abs(e) + 1f)));
            }
            checked.add(type.name());
        }
        assertThat(checked)
                .containsExactlyInAnyOrder(
                        "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K");
    }
}
