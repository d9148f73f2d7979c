package dev.gemrag.operators.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetrievalLeadTest {
    private static RetrievedChunk chunk(String doc, int i, float score) {
        return new RetrievedChunk(doc + "#" + i, doc, doc, "text", score);
    }

    @Test
    void theLeadIsOverTheNextDocumentNotTheNextChunk() {
        // 0.95 - 0.60 = 0.35: cp's second chunk (0.90) does not count against cp
        assertThat(
                        RetrievalLead.of(
                                List.of(
                                        chunk("cp", 0, 0.95f),
                                        chunk("cp", 3, 0.90f),
                                        chunk("mv", 0, 0.60f),
                                        chunk("rm", 1, 0.55f))))
                .isCloseTo(0.35, within(1e-6));
        assertThat(RetrievalLead.of(List.of(chunk("cp", 0, 0.7f), chunk("mv", 0, 0.69f))))
                .isCloseTo(0.01, within(1e-6));
    }

    @Test
    void oneDocumentOrNoneLeadsWithoutBound() {
        assertThat(RetrievalLead.of(List.of(chunk("cp", 0, 0.9f), chunk("cp", 1, 0.8f))))
                .isInfinite();
        assertThat(RetrievalLead.of(List.of())).isInfinite();
    }
}
