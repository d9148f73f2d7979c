package dev.gemrag.connectors.records.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecordLimitsTest {
    @Test
    void withersChangeOneLimit() {
        RecordLimits d = RecordLimits.defaults();
        RecordLimits l = d.withMaxTextBytes(10).withMaxTopK(3);
        assertThat(l.maxTextBytes()).isEqualTo(10);
        assertThat(l.maxTopK()).isEqualTo(3);
        assertThat(l.maxIdBytes()).isEqualTo(d.maxIdBytes());
        assertThat(l.maxMaxTokens()).isEqualTo(d.maxMaxTokens());
    }

    @Test
    void rejectsNonPositiveLimits() {
        assertThatThrownBy(() -> RecordLimits.defaults().withMaxGroups(0))
                .hasMessage("RecordLimits.maxGroups must be >= 1, got 0");
    }
}
