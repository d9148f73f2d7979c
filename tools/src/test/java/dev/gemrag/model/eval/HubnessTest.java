package dev.gemrag.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HubnessTest {
    @Test
    void shareOfQueriesHoldingTheMostFrequentTop3Document() {
        // top 3s: {a,b,c} {a,d,e} {f,a,g} {h,i,j}: a is in 3 of 4 -> 0.75 (its 4th place in q5 does
        // not count)
        List<List<String>> r =
                List.of(
                        List.of("a", "b", "c", "x"),
                        List.of("a", "d", "e"),
                        List.of("f", "a", "g"),
                        List.of("h", "i", "j"),
                        List.of("k", "l", "m", "a"));
        assertThat(Hubness.topDocumentShare(r)).isEqualTo(3.0 / 5);
        // all different: 1 / queries; a repeated id inside one list counts once
        assertThat(Hubness.topDocumentShare(List.of(List.of("a", "a"), List.of("b"))))
                .isEqualTo(0.5);
        assertThat(Hubness.topDocumentShare(List.of(List.of("a"), List.of("a")))).isEqualTo(1.0);
        assertThat(Hubness.topDocumentShare(List.of())).isZero();
        assertThat(Hubness.topDocumentShare(List.of(List.of(), List.of("z")))).isEqualTo(0.5);
    }
}
