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

    private static RetrievedChunk hit(String id, int index, int words, float score) {
        return new RetrievedChunk(
                id + "#" + index, id, "T" + id, ("x" + index + " ").repeat(words).strip(), score);
    }

    @Test
    void sourcesAreNumberedBestFirstWithinTheBudget() {
        GroundedPrompt p =
                GroundedPrompt.build(
                        "what?", List.of(hit("a", 10), hit("b", 10), hit("c", 10)), tok, 30);
        // each block is "[n] Tx" + 10 words = 12 tokens: two fit in 30, the third does not
        assertThat(p.sources()).extracting(RetrievedChunk::docId).containsExactly("a", "b");
        String user = p.messages().get(1).content();
        assertThat(user)
                .contains("[1] Ta\nw")
                .contains("[2] Tb\nw")
                .doesNotContain("[3]")
                .endsWith("Question: what?");
        assertThat(p.messages().get(0).content()).isEqualTo(GroundedPrompt.SYSTEM);
        assertThat(p.truncatedSources()).isZero();
    }

    @Test
    void aFirstSourceLongerThanTheBudgetIsCutNotDropped() {
        GroundedPrompt p = GroundedPrompt.build("q", List.of(hit("a", 100), hit("b", 5)), tok, 40);
        assertThat(p.sources()).extracting(RetrievedChunk::docId).containsExactly("a");
        assertThat(p.truncatedSources()).isEqualTo(1);
        String sources = p.messages().get(1).content();
        // "Sources:" + "[1] Ta" (2) + the text cut to 40 - 2 - 1 = 37 words
        assertThat(tok.count(sources.substring(0, sources.indexOf("Question:"))))
                .isEqualTo(1 + 2 + 37);
    }

    @Test
    void chunksOfOneDocumentShareANumber() {
        GroundedPrompt p =
                GroundedPrompt.build(
                        "q",
                        List.of(hit("a", 0, 3, 0.9f), hit("b", 0, 3, 0.8f), hit("a", 2, 3, 0.7f)),
                        tok,
                        100);
        assertThat(p.sources())
                .extracting(RetrievedChunk::chunkId)
                .containsExactly("a#0", "b#0", "a#2");
        assertThat(p.documents()).extracting(PromptDocument::docId).containsExactly("a", "b");
        assertThat(p.documents().get(0).chunks())
                .extracting(RetrievedChunk::chunkId)
                .containsExactly("a#0", "a#2");
        assertThat(p.messages().get(1).content())
                .contains("[1] Ta\nx0 x0 x0\nx2 x2 x2\n\n[2] Tb\nx0 x0 x0");
    }

    @Test
    void layoutsPutTheInstructionWhereTheyNameIt() {
        List<RetrievedChunk> hits = List.of(hit("a", 3));
        assertThat(GroundedPrompt.build("q", hits, tok, 100, PromptLayout.USER_FIRST).messages())
                .singleElement()
                .satisfies(
                        m ->
                                assertThat(m.content())
                                        .startsWith(GroundedPrompt.SYSTEM)
                                        .endsWith("Question: q"));
        assertThat(GroundedPrompt.build("q", hits, tok, 100, PromptLayout.USER_LAST).messages())
                .singleElement()
                .satisfies(
                        m ->
                                assertThat(m.content())
                                        .startsWith("Sources:")
                                        .endsWith(GroundedPrompt.SYSTEM));
    }
}
