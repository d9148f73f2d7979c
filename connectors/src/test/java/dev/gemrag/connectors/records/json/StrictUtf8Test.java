package dev.gemrag.connectors.records.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictUtf8Test {
    @Test
    void decodesValidUtf8() throws Exception {
        assertThat(StrictUtf8.decode("aé✓😀".getBytes(StandardCharsets.UTF_8), "v"))
                .isEqualTo("aé✓😀");
    }

    @Test
    void reportsEveryKindOfMalformedInput() {
        // truncated sequence, bad continuation, overlong '/', encoded surrogate, byte 0xFF
        byte[][] bad = {
            {'a', (byte) 0xE2, (byte) 0x9C},
            {'a', 'b', (byte) 0xC3, (byte) 0x28},
            {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {'x', (byte) 0xFF},
        };
        int[] at = {1, 2, 0, 0, 1};
        for (int i = 0; i < bad.length; i++) {
            byte[] b = bad[i];
            assertThatThrownBy(() -> StrictUtf8.decode(b, "value"))
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessage("invalid UTF-8 in value at byte " + at[i]);
            assertThat(StrictUtf8.decodeOrNull(b)).isNull();
        }
    }

    @Test
    void encodedLengthMatchesTheEncoder() {
        for (String s : new String[] {"", "abc", "é", "✓✓", "😀a", "mixé✓😀"}) {
            assertThat(StrictUtf8.encodedLength(s))
                    .isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
    }
}
