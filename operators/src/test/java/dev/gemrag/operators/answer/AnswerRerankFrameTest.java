package dev.gemrag.operators.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.AnswerFrame;
import dev.gemrag.connectors.records.AnswerOverrides;
import dev.gemrag.connectors.records.Citation;
import dev.gemrag.connectors.records.Question;
import dev.gemrag.connectors.records.RerankMode;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.operators.testing.BagOfWordsModel;
import dev.gemrag.operators.testing.CollectingResult;
import dev.gemrag.operators.testing.DirectRuntime;
import dev.gemrag.operators.testing.InMemoryRetriever;
import java.util.List;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** retrieval.rerank and answer.frame through the answer function, configured and per question. */
class AnswerRerankFrameTest {
    private final BagOfWordsModel model = new BagOfWordsModel();
    private final InMemoryRetriever retriever = new InMemoryRetriever();
    private AnswerFunction fn;

    private void open(AnswerControls controls) throws Exception {
        retriever.add("cp.1", 0, "cp", "copy files and directories", List.of("all"));
        retriever.add(
                "rsync.1",
                0,
                "rsync",
                "a fast remote and local file copying tool for files",
                List.of("all"));
        retriever.add("mv.1", 0, "mv", "move or rename files and directories", List.of("all"));
        retriever.add("rm.1", 0, "rm", "remove files or directories", List.of("all"));
        AnswerSettings settings = new AnswerSettings(1, 10, 16, 64, 200, 64);
        fn =
                new AnswerFunction(
                        () -> model,
                        (id, dim) -> retriever,
                        settings,
                        GenerationParams.greedy(16),
                        PromptLayout.SYSTEM,
                        TitlePlacement.LINE,
                        controls);
        fn.setRuntimeContext(DirectRuntime.context());
        fn.open(DefaultOpenContext.INSTANCE);
    }

    @AfterEach
    void close() throws Exception {
        fn.close();
    }

    private Answer ask(AnswerOverrides overrides) throws Exception {
        CollectingResult<Answer> r = new CollectingResult<>();
        fn.asyncInvoke(
                new Question(
                        "q",
                        "copy files and directories",
                        new String[] {"all"},
                        null,
                        null,
                        null,
                        null,
                        overrides),
                r);
        return r.get().get(0);
    }

    @Test
    void rerankScoresTheCandidatesAndKeepsTheBestTopK() throws Exception {
        open(new AnswerControls(RerankMode.LLM, 3, 64, AnswerFrame.NONE));
        model.scorer =
                (context, question) ->
                        context.contains("rm\n") ? 1.0 : 0.0; // the reranker prefers rm
        Answer a = ask(null);
        assertThat(a.sources())
                .extracting(Citation::docId)
                .containsExactly("rm.1"); // top-k 1 of 3 candidates
        assertThat(model.scored).hasSize(1);
        assertThat(model.scored.get(0))
                .hasSize(3)
                .allSatisfy(
                        c -> assertThat(c).startsWith("Passage: ").endsWith(QueryLikelihood.CUE));
        assertThat(model.scored.get(0).get(0))
                .contains("cp\ncopy files and directories"); // the retriever's order
        assertThat(a.timingsMs()).containsKey("rerank");
    }

    @Test
    void aQuestionTurnsTheConfiguredRerankOff() throws Exception {
        open(new AnswerControls(RerankMode.LLM, 3, 64, AnswerFrame.NONE));
        model.scorer = (context, question) -> context.contains("rm\n") ? 1.0 : 0.0;
        Answer a = ask(new AnswerOverrides(RerankMode.OFF, null));
        assertThat(a.sources()).extracting(Citation::docId).containsExactly("cp.1");
        assertThat(model.scored).isEmpty();
        assertThat(a.timingsMs()).doesNotContainKey("rerank");
    }

    @Test
    void aQuestionTurnsRerankOn() throws Exception {
        open(AnswerControls.PLAIN);
        model.scorer = (context, question) -> context.contains("mv\n") ? 1.0 : 0.0;
        Answer a = ask(new AnswerOverrides(RerankMode.LLM, null));
        assertThat(a.sources()).extracting(Citation::docId).containsExactly("mv.1");
    }

    @Test
    void theFramePrimesTheReplyAndLeadsTheAnswer() throws Exception {
        open(new AnswerControls(RerankMode.OFF, 3, 64, AnswerFrame.TITLE));
        Answer a = ask(null);
        assertThat(model.prompts.get(0)).endsWith("<assistant>\n[1] cp:");
        assertThat(a.answer()).startsWith("[1] cp: From [1] cp");
        assertThat(a.citations()).extracting(Citation::docId).containsExactly("cp.1");
        Answer according = ask(new AnswerOverrides(null, AnswerFrame.ACCORDING_TO));
        assertThat(model.prompts.get(1)).endsWith("<assistant>\nAccording to cp [1],");
        assertThat(according.answer()).startsWith("According to cp [1], From");
    }

    @Test
    void autoSkipsTheRerankerWhenTheFirstDocumentLeadsByTheMargin() throws Exception {
        // every lead is >= 0: skipped, the retriever's order, no scoring and no rerank timing
        open(new AnswerControls(RerankMode.AUTO, 3, 64, AnswerFrame.NONE, 0.0, 0, 1.0));
        model.scorer = (context, question) -> context.contains("rm\n") ? 1.0 : 0.0;
        Answer a = ask(null);
        assertThat(a.sources()).extracting(Citation::docId).containsExactly("cp.1");
        assertThat(model.scored).isEmpty();
        assertThat(a.timingsMs()).doesNotContainKey("rerank");
        // a question's llm always reranks
        Answer llm = ask(new AnswerOverrides(RerankMode.LLM, null));
        assertThat(llm.sources()).extracting(Citation::docId).containsExactly("rm.1");
    }

    @Test
    void autoReranksWhenTheLeadIsBelowTheMargin() throws Exception {
        open(
                new AnswerControls(
                        RerankMode.AUTO,
                        3,
                        64,
                        AnswerFrame.NONE,
                        AnswerControls.NEVER_SKIP,
                        0,
                        1.0));
        model.scorer = (context, question) -> context.contains("rm\n") ? 1.0 : 0.0;
        Answer a = ask(null);
        assertThat(a.sources()).extracting(Citation::docId).containsExactly("rm.1");
        assertThat(model.scored).hasSize(1);
    }

    @Test
    void aBudgetSpentAfterAnnouncingACommandGetsTheExtraTokensOnce() throws Exception {
        open(new AnswerControls(RerankMode.OFF, 3, 64, AnswerFrame.ACCORDING_TO, 2.0, 24, 1.0));
        List<Integer> budgets = new java.util.ArrayList<>();
        model.replies =
                (prompt, params) -> {
                    budgets.add(params.maxTokens());
                    return prompt.endsWith("command:")
                            ? new dev.gemrag.model.GenerationResult(
                                    "\n```\ncp -r src dest\n```", List.of(4, 5), 9, "stop", 1, 1)
                            : new dev.gemrag.model.GenerationResult(
                                    " copy a directory with the following command:",
                                    List.of(1, 2, 3),
                                    7,
                                    "length",
                                    1,
                                    1);
                };
        Answer a = ask(null);
        assertThat(budgets).containsExactly(16, 24);
        assertThat(model.prompts.get(1))
                .isEqualTo(model.prompts.get(0) + " copy a directory with the following command:");
        assertThat(a.answer())
                .isEqualTo(
                        "According to cp [1], copy a directory with the following command:\n```\ncp -r src dest\n```");
    }

    @Test
    void noExtraTokensWhenTheReplyStoppedByItself() throws Exception {
        open(new AnswerControls(RerankMode.OFF, 3, 64, AnswerFrame.ACCORDING_TO, 2.0, 24, 1.0));
        model.replies =
                (prompt, params) ->
                        new dev.gemrag.model.GenerationResult(
                                " use cp. Run the following command:", List.of(1), 7, "stop", 1, 1);
        Answer a = ask(null);
        assertThat(model.generateCalls).hasValue(1);
        // the announcement without its command goes (shaping)
        assertThat(a.answer()).isEqualTo("According to cp [1], use cp.");
    }

    @Test
    void aModelThatCannotScoreAnswersInTheRetrieversOrder() throws Exception {
        open(new AnswerControls(RerankMode.LLM, 3, 64, AnswerFrame.NONE));
        model.scorer =
                (context, question) -> {
                    throw new UnsupportedOperationException("model cannot score continuations");
                };
        Answer a = ask(null);
        assertThat(a.answered()).isTrue();
        assertThat(a.sources()).extracting(Citation::docId).containsExactly("cp.1");
        assertThat(a.timingsMs()).doesNotContainKey("rerank");
    }
}
