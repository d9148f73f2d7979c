package dev.gemrag.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pairs reader: the held-out rule (faq-qa on lines divisible by 10), seeded order, bad input.
 */
class TrainingPairsTest {
    @TempDir Path dir;

    private Path file(List<String> lines) throws IOException {
        Path f = dir.resolve("pairs.jsonl");
        Files.write(f, lines);
        return f;
    }

    private static String pair(int i, String kind) {
        return "{\"query\":\"q"
                + i
                + "\",\"passage\":\"p"
                + i
                + "\",\"kind\":\""
                + kind
                + "\",\"source\":\"s\"}";
    }

    @Test
    void holdsOutFaqPairsOnLinesDivisibleByTen() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            // lines 10 and 30 are faq-qa (held out), line 20 is pkg-desc (kept), line 5 faq-qa
            // (kept)
            lines.add(pair(i, i == 10 || i == 30 || i == 5 ? "faq-qa" : "pkg-desc"));
        }
        TrainingPairs p = TrainingPairs.read(file(lines), 1);
        assertThat(p.heldOutCount()).isEqualTo(2);
        assertThat(p.size()).isEqualTo(28);
        assertThat(p.all())
                .extracting(TrainingPairs.Pair::line)
                .doesNotContain(10, 30)
                .contains(5, 20);
        assertThat(TrainingPairs.heldOut(40, "faq-qa")).isTrue();
        assertThat(TrainingPairs.heldOut(40, "doc-heading")).isFalse();
    }

    @Test
    void orderIsAFunctionOfSeedAndStepAndCoversEveryPairPerEpoch() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            lines.add(pair(i, "pkg-desc"));
        }
        TrainingPairs a = TrainingPairs.read(file(lines), 7);
        TrainingPairs b = TrainingPairs.read(file(lines), 7);
        assertThat(a.batch(5, 4)).containsExactly(b.batch(5, 4));
        java.util.Set<Integer> epoch = new java.util.HashSet<>();
        for (int s = 0; s < 3; s++) {
            for (int i : a.batch(s, 4)) {
                epoch.add(i);
            }
        }
        assertThat(epoch).hasSize(12);
    }

    @Test
    void badLinesGiveAOneLineErrorWithTheLineNumber() throws Exception {
        Path f = file(List.of(pair(1, "pkg-desc"), "{not json", pair(3, "pkg-desc")));
        assertThatThrownBy(() -> TrainingPairs.read(f, 1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line 2");
        Path g = file(List.of(pair(1, "pkg-desc"), "{\"query\":\"\",\"passage\":\"x\"}"));
        assertThatThrownBy(() -> TrainingPairs.read(g, 1))
                .hasMessageContaining("line 2")
                .hasMessageContaining("non-empty");
    }
}
