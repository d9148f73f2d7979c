package dev.gemrag.operators.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.operators.chunk.WhitespaceTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroundedPromptTest {
    private final WhitespaceTokenizer tok = new WhitespaceTokenizer();

    private static RetrievedChunk hit(String id, int words) {
        return new RetrievedChunk(id + "#0", id, "T" + id, "w ".repeat(words).strip(), 0.5f);
    }

    @Test
    void sourcesAreNumberedBestFirstWithinTheBudget() {
        GroundedPrompt p = GroundedPrompt.build("what?", List.of(hit("a", 10), hit("b", 10), hit("c", 10)), tok, 30);
        // each block is "[n] Tx: " + 10 words = 12 tokens: two fit in 30, the third does not
        assertThat(p.sources()).extracting(RetrievedChunk::docId).containsExactly("a", "b");
        String user = p.messages().get(1).content();
        assertThat(user).contains("[1] Ta: w").contains("[2] Tb: w").doesNotContain("[3]").endsWith("Question: what?");
        assertThat(p.messages().get(0).content()).isEqualTo(GroundedPrompt.SYSTEM);
        assertThat(p.truncatedSources()).isZero();
    }

    @Test
    void aFirstSourceLongerThanTheBudgetIsCutNotDropped() {
        GroundedPrompt p = GroundedPrompt.build("q", List.of(hit("a", 100), hit("b", 5)), tok, 40);
        assertThat(p.sources()).extracting(RetrievedChunk::docId).containsExactly("a");
        assertThat(p.truncatedSources()).isEqualTo(1);
        String sources = p.messages().get(1).content();
        assertThat(tok.count(sources.substring(0, sources.indexOf("Question:")))).isEqualTo(41); // "Sources:" + 40
    }
}
