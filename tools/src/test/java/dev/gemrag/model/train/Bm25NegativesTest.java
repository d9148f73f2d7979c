package dev.gemrag.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * BM25 hard negatives: hand-checked ranking, own passage / same query / near-duplicates skipped.
 */
class Bm25NegativesTest {

    @Test
    void scoresMatchTheBm25FormulaByHand() {
        // two passages; query "disk" occurs once in passage 0 (3 words) and never in passage 1 (1
        // word)
        Bm25Negatives b =
                new Bm25Negatives(List.of("disk", "x"), List.of("format the disk", "network"));
        double[] s = b.scores("disk");
        double idf = Math.log(1 + (2 - 1 + 0.5) / (1 + 0.5));
        double avg = 2.0;
        double want = idf * 1 * 2.2 / (1 + 1.2 * (1 - 0.75 + 0.75 * 3 / avg));
        assertThat(s[0]).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s[1]).isZero();
    }

    @Test
    void skipsOwnPassageSameQueryAndNearDuplicates() {
        List<String> queries =
                List.of(
                        "copy files between disks",
                        "copy files between disks",
                        "mirror disks over the network",
                        "copy files quickly",
                        "unrelated text");
        List<String> passages =
                List.of(
                        "a tool to copy files from one disk to another disk", // 0: the positive
                        "another tool with the same query text copy files", // 1: same query as 0
                        "a tool to copy files from one disk to another disk quickly", // 2:
                        // near-duplicate of 0
                        "copy files over ssh to remote disks and verify them", // 3: a true hard
                        // negative
                        "the weather today is sunny"); // 4: no shared words
        Bm25Negatives b = new Bm25Negatives(queries, passages);
        assertThat(
                        Bm25Negatives.jaccard(
                                Set.copyOf(Bm25Negatives.words(passages.get(0))),
                                Set.copyOf(Bm25Negatives.words(passages.get(2)))))
                .isGreaterThanOrEqualTo(Bm25Negatives.NEAR_DUPLICATE);
        assertThat(b.forPair(0, 1)).containsExactly(3);
        assertThat(b.forPair(0, 5)).doesNotContain(0, 1, 2, 4);
    }

    @Test
    void wordsAreLowerCasedLetterDigitRuns() {
        assertThat(Bm25Negatives.words("Copy x86-64 FILES, now!"))
                .containsExactly("copy", "x86", "64", "files", "now");
    }
}
