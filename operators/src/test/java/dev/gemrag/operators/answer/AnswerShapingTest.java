package dev.gemrag.operators.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.Citation;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.operators.chunk.WhitespaceTokenizer;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerShapingTest {
    private static RetrievedChunk chunk(String doc, int i, String text, float score) {
        return new RetrievedChunk(doc + "#" + i, doc, doc, text, score);
    }

    /** The prompt of {@code question} over these hits: one token per word, a budget of 200. */
    private static GroundedPrompt prompt(String question, RetrievedChunk... hits) {
        return GroundedPrompt.build(question, List.of(hits), new WhitespaceTokenizer(), 200);
    }

    /** A completion of {@code text} that ended for {@code finishReason} ("stop" or "length"). */
    private static GenerationResult completion(String text, String finishReason) {
        return new GenerationResult(text, List.of(1), 5, finishReason, 1, 1);
    }

    /** The answer record shaped from a completion of the prompt, without a reply frame. */
    private static Answer shape(GroundedPrompt prompt, GenerationResult completion) {
        return AnswerShaper.shape("q", completion, prompt, "m", new HashMap<>());
    }

    private static final List<PromptDocument> DOCS =
            List.of(
                    new PromptDocument(
                            1,
                            "cp.1",
                            "cp",
                            List.of(
                                    chunk("cp.1", 0, "copy files and directories", 0.9f),
                                    chunk("cp.1", 3, "recursive copies with -r", 0.6f))),
                    new PromptDocument(
                            2,
                            "mv.1",
                            "mv",
                            List.of(chunk("mv.1", 0, "move or rename files", 0.8f))),
                    new PromptDocument(
                            3, "rm.1", "rm", List.of(chunk("rm.1", 1, "remove files", 0.7f))));

    @Test
    void aCompleteAnswerIsKeptAndACutOneEndsAtItsLastSentence() {
        assertThat(SentenceTrim.trim("Use cp -r to copy a directory. It also", true))
                .isEqualTo("Use cp -r to copy a directory.");
        assertThat(SentenceTrim.trim("Use cp -r to copy a directory. It also", false))
                .isEqualTo("Use cp -r to copy a directory. It also");
        assertThat(SentenceTrim.trim("Run df -h. Sizes are shown in K, M and G", true))
                .isEqualTo("Run df -h.");
        assertThat(SentenceTrim.trim("Use cp [1]. Then mv it [2]. And th", true))
                .isEqualTo("Use cp [1]. Then mv it [2].");
        assertThat(SentenceTrim.trim("Use cp. [1] Then th", true)).isEqualTo("Use cp. [1]");
        // a dot inside a file name or number is no sentence end
        assertThat(SentenceTrim.trim("Edit a.txt with version 1.5 of the tool", true))
                .isEqualTo("Edit a.txt with version 1.5 of the …");
        assertThat(SentenceTrim.trim("Is it done? Yes it is", true)).isEqualTo("Is it done?");
        assertThat(SentenceTrim.trim("Lists files. Some are hidden (i.e. dot fil", true))
                .isEqualTo("Lists files.");
        assertThat(SentenceTrim.trim("Already complete!", true)).isEqualTo("Already complete!");
        // stopped by itself right after announcing something: the announcement goes, unless it is
        // all there is
        assertThat(SentenceTrim.trim("Use tail [1]. Run the following command:", false))
                .isEqualTo("Use tail [1].");
        assertThat(SentenceTrim.trim("Run the following command:", false))
                .isEqualTo("Run the following command:");
    }

    @Test
    void aLineBreakEndsASentenceOutsideCodeOnly() {
        assertThat(SentenceTrim.trim("Options:\n- -r copies directories\n- -v expla", true))
                .isEqualTo("Options:\n- -r copies directories");
        // a cut inside an open code block keeps the block's complete lines and closes it
        assertThat(
                        SentenceTrim.trim(
                                "Use tail. For example:\n```bash\ntail -n 5 file\ntail -f lo",
                                true))
                .isEqualTo("Use tail. For example:\n```bash\ntail -n 5 file\n```");
        assertThat(
                        SentenceTrim.trim(
                                "To show the last lines, you can use:\n```\ntail -n 5 file\ntail -f lo",
                                true))
                .isEqualTo("To show the last lines, you can use:\n```\ntail -n 5 file\n```");
        // no complete line inside the block: the cut falls before the block and the line announcing
        // it
        assertThat(SentenceTrim.trim("Use tail. For example:\n```bash\ntail -n 5 fi", true))
                .isEqualTo("Use tail.");
    }

    @Test
    void anInventedNextQuestionIsDropped() {
        Answer a =
                shape(
                        prompt("q", chunk("tar.1", 0, "tar creates archives", 0.9f)),
                        completion(
                                "tar creates archives [1].\n\nQuestion: Which tool deletes",
                                "length"));
        assertThat(a.answer()).isEqualTo("tar creates archives [1].");
    }

    @Test
    void withoutASentenceEndTheCutFallsBetweenWords() {
        assertThat(SentenceTrim.trim("copy files with the cp comm", true))
                .isEqualTo("copy files with the cp …");
        // never inside an unclosed code span
        assertThat(SentenceTrim.trim("copy a directory with `cp -r sr", true))
                .isEqualTo("copy a directory with …");
        assertThat(SentenceTrim.trim("copy it with `cp -r a b` or `rsync -a", true))
                .isEqualTo("copy it with `cp -r a b` or …");
    }

    @Test
    void aLeadInWhoseCommandWasLostLosesItsAnnouncingClause() {
        // the budget ran out inside the announced block, no complete line in it, nothing before
        assertThat(
                        SentenceTrim.trim(
                                "According to cp [1], you can copy files and directories using the following command:\n```bash# cp -R /path/to/.local/* a.b",
                                true))
                .isEqualTo("According to cp [1], you can copy files and directories.");
        // a list number is no sentence end: the cut never keeps a bare "1."
        assertThat(
                        SentenceTrim.trim(
                                "It is simple. To merge branches:\n1. Create an upstream branch that",
                                true))
                .isEqualTo("It is simple.");
        assertThat(SentenceTrim.trim("Steps:\n1. Tag it.\n2. Merge the", true))
                .isEqualTo("Steps:\n1. Tag it.");
        // stopped by itself after the announcement
        assertThat(SentenceTrim.trim("According to wc [1], to count lines, you can use:", false))
                .isEqualTo("According to wc [1], to count lines.");
    }

    @Test
    void anOpeningTheAnswerIsIsDroppedAfterTheFrame() {
        GroundedPrompt prompt = prompt("q", chunk("tar.1", 0, "tar creates archives", 0.9f));
        String frame =
                ReplyFrame.prefix(
                        dev.gemrag.connectors.records.AnswerFrame.ACCORDING_TO, prompt.documents());
        Answer a =
                AnswerShaper.shape(
                        "q",
                        completion(" the answer is: tar.", "stop"),
                        frame,
                        prompt,
                        "m",
                        new HashMap<>());
        assertThat(a.answer()).isEqualTo("According to tar.1 [1], tar.");
    }

    @Test
    void citationsAreRenumberedInOrderOfFirstUseAndUnknownSourcesDropped() {
        CitedAnswer c =
                CitedAnswer.of("Use mv [2] or cp [1]. Not [7]. Again mv [2] and [3, 2].", DOCS);
        assertThat(c.text()).isEqualTo("Use mv [1] or cp [2]. Not. Again mv [1] and [3][1].");
        assertThat(c.cited())
                .extracting(PromptDocument::docId)
                .containsExactly("mv.1", "cp.1", "rm.1");
    }

    @Test
    void theSameMarkerTwiceInARowIsOnce() {
        assertThat(CitedAnswer.of("Use cp [1][1].", DOCS).text()).isEqualTo("Use cp [1].");
    }

    @Test
    void anUnmarkedAnswerCitesTheBestRankedSourceSharingThreeWords() {
        // shares "move", "rename", "files" with mv (3) but only "files" with cp (ranked first)
        CitedAnswer c = CitedAnswer.of("You can move or rename files with mv.", DOCS);
        assertThat(c.text()).isEqualTo("You can move or rename files with mv. [1]");
        assertThat(c.cited()).extracting(PromptDocument::docId).containsExactly("mv.1");
        // cp shares "copy", "files", "directories": ranked first, it wins over rm
        assertThat(CitedAnswer.of("Copy files and directories, or remove files.", DOCS).cited())
                .extracting(PromptDocument::docId)
                .containsExactly("cp.1");
        // nothing in common: no citation is invented
        assertThat(CitedAnswer.of("Hello there.", DOCS).cited()).isEmpty();
    }

    @Test
    void dontKnowIsRecognisedInTheFirstSentenceOnly() {
        assertThat(DontKnow.says("The sources do not contain the answer.")).isTrue();
        assertThat(DontKnow.says("I don't know. The sources talk about cp.")).isTrue();
        assertThat(DontKnow.says("The source doesn't mention how to do that")).isTrue();
        assertThat(DontKnow.says("Use cp [1]. I do not know about mv.")).isFalse();
        assertThat(DontKnow.says("Use cp to copy files [1].")).isFalse();
    }

    @Test
    void theRecordCitesEachDocumentOnceWithItsBestChunkAndListsEveryChunkOfThePrompt() {
        GroundedPrompt prompt =
                prompt(
                        "how do I copy?",
                        chunk("cp.1", 0, "copy files", 0.9f),
                        chunk("mv.1", 0, "move files", 0.8f),
                        chunk("cp.1", 3, "recursive copies", 0.6f));
        Answer a =
                shape(
                        prompt,
                        completion(
                                "Use cp [1] and cp -r [1]. Also mv [2]. And then the", "length"));
        assertThat(a.answer()).isEqualTo("Use cp [1] and cp -r [1]. Also mv [2].");
        assertThat(a.answered()).isTrue();
        assertThat(a.citations())
                .containsExactly(
                        new Citation("cp.1", "cp.1#0", "cp.1", 0.9f),
                        new Citation("mv.1", "mv.1#0", "mv.1", 0.8f));
        assertThat(a.sources())
                .extracting(Citation::chunkId)
                .containsExactly("cp.1#0", "mv.1#0", "cp.1#3");
    }

    @Test
    void aDontKnowReplyIsMarkedAndCitesNothing() {
        Answer a =
                shape(
                        prompt("q", chunk("cp.1", 0, "copy files", 0.9f)),
                        completion("I don't know the answer to that [1].", "stop"));
        assertThat(a.answer()).isEqualTo(DontKnow.ANSWER);
        assertThat(a.answered()).isFalse();
        assertThat(a.citations()).isEmpty();
        assertThat(a.sources()).hasSize(1);
    }
}
