package dev.gemrag.operators.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.AnswerFrame;
import dev.gemrag.connectors.records.Citation;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.operators.chunk.WhitespaceTokenizer;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reply frame, the instruction-echo filter and the rerank ordering, each against a hand-written
 * result.
 */
class ReplyShapingControlsTest {
    private static final RetrievedChunk CP =
            new RetrievedChunk("cp.1#0", "cp.1", "cp", "copy files and directories", 0.5f);
    private static final RetrievedChunk GZIP =
            new RetrievedChunk("gzip.1#0", "gzip.1", "gzip", "compress or expand files", 0.7f);
    private static final RetrievedChunk DF =
            new RetrievedChunk("df.1#0", "df.1", "df", "report file system space usage", 0.6f);

    private static GroundedPrompt prompt(RetrievedChunk... hits) {
        return GroundedPrompt.build("q?", List.of(hits), new WhitespaceTokenizer(), 200);
    }

    private static Answer shape(
            String frame, String completion, String finish, RetrievedChunk... hits) {
        return AnswerShaper.shape(
                "q",
                new GenerationResult(completion, List.of(1), 10, finish, 1, 1),
                frame,
                prompt(hits),
                "m",
                new LinkedHashMap<>());
    }

    @Test
    void framesNameTheFirstSourceWithoutATrailingSpace() {
        List<PromptDocument> docs = prompt(CP, GZIP).documents();
        assertThat(ReplyFrame.prefix(AnswerFrame.TITLE, docs)).isEqualTo("[1] cp:");
        assertThat(ReplyFrame.prefix(AnswerFrame.ACCORDING_TO, docs))
                .isEqualTo("According to cp [1],");
        assertThat(ReplyFrame.prefix(AnswerFrame.NONE, docs)).isEmpty();
        assertThat(ReplyFrame.prefix(AnswerFrame.TITLE, List.of())).isEmpty();
        RetrievedChunk untitled = new RetrievedChunk("x#0", "x", "  ", "text", 1f);
        assertThat(ReplyFrame.prefix(AnswerFrame.TITLE, prompt(untitled).documents()))
                .isEqualTo("[1] the first source:");
    }

    @Test
    void anEchoedInstructionSentenceIsDropped() {
        String echo =
                "The answer is: The source that answers the question in one or two short sentences, using only "
                        + "numbered sources. [1] Use cp to copy files and directories.";
        assertThat(InstructionEcho.strip(echo, GroundedPrompt.SYSTEM))
                .isEqualTo("Use cp to copy files and directories.");
        // an answer about the subject shares few words with the instruction and stays whole
        String answer =
                "Use df to see the free space of each file system. It prints sizes in 1K blocks.";
        assertThat(InstructionEcho.strip(answer, GroundedPrompt.SYSTEM)).isEqualTo(answer);
        // short sentences are never judged (too few words to tell)
        assertThat(InstructionEcho.strip("Cite the source.", GroundedPrompt.SYSTEM))
                .isEqualTo("Cite the source.");
    }

    @Test
    void theFrameLeadsTheAnswerAndCitesTheFirstSource() {
        Answer a = shape("[1] gzip:", " compresses files. Use gzip file.", "stop", GZIP, CP);
        assertThat(a.answer()).isEqualTo("[1] gzip: compresses files. Use gzip file.");
        assertThat(a.citations()).extracting(Citation::docId).containsExactly("gzip.1");
        assertThat(a.answered()).isTrue();
    }

    @Test
    void aFrameFollowedByNothingOrOnlyAnEchoIsNoAnswer() {
        Answer empty = shape("[1] gzip:", "", "stop", GZIP);
        assertThat(empty.answered()).isFalse();
        assertThat(empty.answer()).isEqualTo(DontKnow.ANSWER);
        assertThat(empty.citations()).isEmpty();
        Answer echo =
                shape(
                        "[1] gzip:",
                        " Answer the question in one or two short sentences, using only the numbered"
                                + " sources.",
                        "stop",
                        GZIP);
        assertThat(echo.answered()).isFalse();
        Answer says =
                shape(
                        "According to gzip [1],",
                        " the sources do not contain the answer.",
                        "stop",
                        GZIP);
        assertThat(says.answered()).isFalse();
        assertThat(says.answer()).isEqualTo(DontKnow.ANSWER);
    }

    @Test
    void aBudgetCutAfterTheFrameEndsAtTheLastSentence() {
        Answer a = shape("[1] cp:", " copies files. It also copies direc", "length", CP);
        assertThat(a.answer()).isEqualTo("[1] cp: copies files.");
        assertThat(a.citations()).extracting(Citation::docId).containsExactly("cp.1");
    }

    @Test
    void rerankOrdersByScoreAndKeepsTheBest() {
        List<RetrievedChunk> candidates = List.of(GZIP, DF, CP);
        assertThat(QueryLikelihood.reorder(candidates, new double[] {-3.0, -1.5, -2.0}, 2))
                .containsExactly(DF, CP);
        // ties keep the retriever's order
        assertThat(QueryLikelihood.reorder(candidates, new double[] {-1, -1, -1}, 3))
                .containsExactly(GZIP, DF, CP);
        assertThatThrownBy(() -> QueryLikelihood.reorder(candidates, new double[2], 1))
                .hasMessageContaining("2 scores");
    }

    @Test
    void rerankBlendsLikelihoodWithTheRetrievalScore() {
        // retrieval 0.7 / 0.6 / 0.5 scales to 1 / 0.5 / 0; likelihood -3 / -1.5 / -2 to 0 / 1 / 1/3
        List<RetrievedChunk> candidates = List.of(GZIP, DF, CP);
        double[] ll = {-3.0, -1.5, -2.0};
        // w 0.5: 0.5 / 0.75 / 0.167
        assertThat(QueryLikelihood.reorder(candidates, ll, 3, 0.5)).containsExactly(DF, GZIP, CP);
        // w 0.2: 0.8 / 0.6 / 0.067: the retriever's clear lead holds against a weak preference
        assertThat(QueryLikelihood.reorder(candidates, ll, 3, 0.2)).containsExactly(GZIP, DF, CP);
        // w 0.6: 0.4 / 0.8 / 0.2 ; w 0.9: 0.1 / 0.95 / 0.3 (CP passes GZIP only near likelihood
        // alone)
        assertThat(QueryLikelihood.reorder(candidates, ll, 3, 0.6)).containsExactly(DF, GZIP, CP);
        assertThat(QueryLikelihood.reorder(candidates, ll, 3, 0.9)).containsExactly(DF, CP, GZIP);
        assertThat(QueryLikelihood.reorder(candidates, ll, 3, 0.0)).containsExactly(GZIP, DF, CP);
        assertThatThrownBy(() -> QueryLikelihood.reorder(candidates, ll, 3, 1.5))
                .hasMessageContaining("[0, 1]");
    }

    @Test
    void rerankContextsCarryTitleAndCutText() {
        List<String> contexts = QueryLikelihood.contexts(List.of(DF), new WhitespaceTokenizer(), 3);
        assertThat(contexts)
                .containsExactly("Passage: df\nreport file system" + QueryLikelihood.CUE);
        assertThat(QueryLikelihood.continuation("  How much space?  "))
                .isEqualTo(" How much space?");
    }
}
