package dev.gemrag.operators.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.Citation;
import dev.gemrag.connectors.records.Question;
import dev.gemrag.operators.testing.BagOfWordsModel;
import dev.gemrag.operators.testing.CollectingResult;
import dev.gemrag.operators.testing.DirectRuntime;
import dev.gemrag.operators.testing.InMemoryRetriever;
import java.util.List;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnswerFunctionTest {
    private final BagOfWordsModel model = new BagOfWordsModel();
    private final InMemoryRetriever retriever = new InMemoryRetriever();
    private AnswerFunction fn;

    @BeforeEach
    void open() throws Exception {
        retriever.add(
                "cp.1",
                0,
                "cp",
                "copy files and directories from source to destination",
                List.of("all"));
        retriever.add("rm.1", 0, "rm", "remove files or directories", List.of("all"));
        retriever.add(
                "secret.1", 0, "secret", "copy the secret launch codes files", List.of("ops"));
        fn =
                new AnswerFunction(
                        () -> model,
                        (id, dim) -> retriever,
                        new AnswerSettings(2, 10, 16, 64, 200, 64));
        fn.setRuntimeContext(DirectRuntime.context());
        fn.open(DefaultOpenContext.INSTANCE);
    }

    @AfterEach
    void close() throws Exception {
        fn.close();
    }

    private Answer ask(String id, String text, String... groups) throws Exception {
        CollectingResult<Answer> r = new CollectingResult<>();
        fn.asyncInvoke(new Question(id, text, groups, null, null), r);
        List<Answer> out = r.get();
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void answersFromTheRetrievedChunksWithCitationsAndTimings() throws Exception {
        Answer a = ask("q1", "how do I copy files and directories", "all");
        assertThat(a.questionId()).isEqualTo("q1");
        assertThat(a.citations()).extracting(Citation::docId).first().isEqualTo("cp.1");
        assertThat(a.citations()).hasSizeLessThanOrEqualTo(2);
        assertThat(a.citations().get(0).chunkId()).isEqualTo("cp.1#0");
        assertThat(a.citations().get(0).title()).isEqualTo("cp");
        assertThat(a.citations().get(0).score()).isPositive();
        assertThat(a.answer()).startsWith("From [1] cp");
        assertThat(a.answered()).isTrue();
        assertThat(a.sources()).extracting(Citation::chunkId).contains("cp.1#0");
        assertThat(a.model()).isEqualTo(model.modelId());
        assertThat(a.timingsMs()).containsKeys("embed", "search", "generate", "total");
        // The prompt numbers the sources and instructs citing them.
        assertThat(model.prompts.get(0))
                .contains(GroundedPrompt.SYSTEM)
                .contains("[1] cp\ncopy files")
                .contains("Question: how do I copy files and directories");
    }

    @Test
    void theQuestionIsEmbeddedByIdsOrByTextForAModelThatEmbedsTextsOnly() throws Exception {
        ask("q1", "how do I copy files and directories", "all");
        assertThat(model.embedTokenCalls.get()).isEqualTo(1);
        assertThat(model.embedCalls.get()).isZero();
        model.textsOnly = true;
        Answer a = ask("q2", "how do I copy files and directories", "all");
        assertThat(model.embedCalls.get()).isEqualTo(1);
        assertThat(a.citations()).extracting(Citation::docId).first().isEqualTo("cp.1");
    }

    @Test
    void aclKeepsRestrictedChunksFromOtherGroups() throws Exception {
        Answer outsider = ask("q2", "copy the secret launch codes", "all");
        assertThat(outsider.citations()).extracting(Citation::docId).doesNotContain("secret.1");
        Answer insider = ask("q3", "copy the secret launch codes", "ops");
        assertThat(insider.citations()).extracting(Citation::docId).containsExactly("secret.1");
    }

    @Test
    void nothingFoundAnswersWithoutGenerating() throws Exception {
        Answer a = ask("q4", "how do I copy files", "nobody");
        assertThat(a.answer()).isEqualTo(AnswerFunction.NOTHING_FOUND);
        assertThat(a.citations()).isEmpty();
        assertThat(a.sources()).isEmpty();
        assertThat(a.answered()).isFalse();
        assertThat(a.timingsMs())
                .containsKeys("embed", "search", "total")
                .doesNotContainKey("generate");
        assertThat(model.generateCalls.get()).isZero();
    }

    @Test
    void retrieverFailureBecomesAnAnswerNotAJobFailure() throws Exception {
        AnswerFunction broken =
                new AnswerFunction(
                        () -> model,
                        (id, dim) ->
                                new Retriever() {
                                    @Override
                                    public List<RetrievedChunk> search(
                                            float[] q, int k, List<String> g) {
                                        throw new IllegalStateException(
                                                "io.milvus.shaded.io.grpc.StatusRuntimeException: DEADLINE_EXCEEDED:"
                                                        + " deadline exceeded after 9.99s");
                                    }

                                    @Override
                                    public void close() {}
                                },
                        new AnswerSettings(2, 10, 16, 64, 200, 64));
        broken.setRuntimeContext(DirectRuntime.context());
        broken.open(DefaultOpenContext.INSTANCE);
        CollectingResult<Answer> r = new CollectingResult<>();
        broken.asyncInvoke(new Question("q5", "copy", new String[] {"all"}, null, null), r);
        Answer a = r.get().get(0);
        assertThat(a.questionId()).isEqualTo("q5");
        // a sentence for a person, not the client's exception text
        assertThat(a.answer())
                .isEqualTo(AnswerFunction.RETRIEVAL_UNAVAILABLE)
                .doesNotContain("grpc", "Exception");
        assertThat(a.citations()).isEmpty();
        broken.close();
    }

    @Test
    void aTimeoutAnswersWithTheReasonInsteadOfFailingTheJob() throws Exception {
        CollectingResult<Answer> r = new CollectingResult<>();
        fn.timeout(new Question("q6", "copy", new String[] {"all"}, null, null), r);
        assertThat(r.get())
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.questionId()).isEqualTo("q6");
                            assertThat(a.answer()).isEqualTo(AnswerFunction.TIMED_OUT);
                            assertThat(a.citations()).isEmpty();
                        });
    }
}
