package dev.gemrag.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RoundsTest {
    @Test
    void mediansOfEachSideAndOfTheRoundsOwnRatios() {
        Rounds r = new Rounds();
        r.add(500, 250); // 2.0
        r.add(300, 250); // 1.2 (a loaded round)
        r.add(560, 260); // 2.1538...
        assertThat(r.count()).isEqualTo(3);
        assertThat(r.ours()).isEqualTo(500);
        assertThat(r.reference()).isEqualTo(250);
        // the median of 2.0, 1.2, 2.1538 is 2.0; the ratio of the medians would be 500 / 250 too,
        // but the range shows the loaded round
        assertThat(r.ratio()).isCloseTo(2.0, within(1e-12));
        assertThat(r.minRatio()).isCloseTo(1.2, within(1e-12));
        assertThat(r.maxRatio()).isCloseTo(560.0 / 260, within(1e-12));
        assertThat(r.last()).isEqualTo("560.0 / 260.0 = 2.15x");
    }

    @Test
    void ratioIsTheMedianOfRatiosNotTheRatioOfMedians() {
        Rounds r = new Rounds();
        r.add(100, 10); // 10
        r.add(200, 100); // 2
        r.add(300, 50); // 6
        r.add(400, 1000); // 0.4
        assertThat(r.ours()).isEqualTo(250); // (200 + 300) / 2
        assertThat(r.reference()).isEqualTo(75); // (50 + 100) / 2
        assertThat(r.ratio()).isCloseTo(4.0, within(1e-12)); // (2 + 6) / 2, not 250 / 75
    }

    @Test
    void aMissingReferenceMakesTheReferenceSideNaN() {
        Rounds r = new Rounds();
        r.add(100, Double.NaN);
        r.add(120, 60);
        assertThat(r.ours()).isEqualTo(110);
        assertThat(r.reference()).isNaN();
        assertThat(r.ratio()).isNaN();
    }
}
