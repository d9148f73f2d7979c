package dev.gemrag.operators.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.Question;
import dev.gemrag.connectors.records.RetrievalMode;
import dev.gemrag.operators.testing.BagOfWordsModel;
import dev.gemrag.operators.testing.CollectingResult;
import dev.gemrag.operators.testing.DirectRuntime;
import dev.gemrag.operators.testing.InMemoryRetriever;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.junit.jupiter.api.Test;

/**
 * The answer step hands the retriever the question text, its embedding and its retrieval_mode (or
 * null).
 */
class AnswerRetrievalModeTest {
    record Call(String text, float[] vector, RetrievalMode mode, int topK, List<String> groups) {}

    @Test
    void passesTheQuestionsTextVectorAndModeToTheRetriever() throws Exception {
        BagOfWordsModel model = new BagOfWordsModel();
        List<Call> calls = new ArrayList<>();
        InMemoryRetriever store = new InMemoryRetriever();
        store.add("cp.1", 0, "cp", "copy files and directories", List.of("all"));
        Retriever spy =
                new Retriever() {
                    @Override
                    public List<RetrievedChunk> search(float[] q, int topK, List<String> groups) {
                        throw new AssertionError("the answer step must use the mode-aware search");
                    }

                    @Override
                    public List<RetrievedChunk> search(
                            String text,
                            float[] q,
                            RetrievalMode mode,
                            int topK,
                            List<String> groups) {
                        calls.add(new Call(text, q, mode, topK, groups));
                        return store.search(q, topK, groups);
                    }

                    @Override
                    public void close() {}
                };
        AnswerFunction fn =
                new AnswerFunction(
                        () -> model, (id, dim) -> spy, new AnswerSettings(2, 10, 16, 64, 200, 64));
        fn.setRuntimeContext(DirectRuntime.context());
        fn.open(DefaultOpenContext.INSTANCE);
        try {
            for (RetrievalMode mode :
                    new RetrievalMode[] {null, RetrievalMode.SPARSE, RetrievalMode.HYBRID}) {
                CollectingResult<Answer> r = new CollectingResult<>();
                fn.asyncInvoke(
                        new Question(
                                "q", "how do I copy files", new String[] {"all"}, 3, null, mode),
                        r);
                List<Answer> out = r.get();
                assertThat(out).hasSize(1);
                assertThat(out.get(0).citations()).isNotEmpty();
            }
        } finally {
            fn.close();
        }
        assertThat(calls)
                .extracting(Call::mode)
                .containsExactly(null, RetrievalMode.SPARSE, RetrievalMode.HYBRID);
        for (Call c : calls) {
            assertThat(c.text()).isEqualTo("how do I copy files");
            assertThat(c.vector()).isEqualTo(BagOfWordsModel.vector("how do I copy files"));
            assertThat(c.topK()).isEqualTo(3);
            assertThat(c.groups()).containsExactly("all");
        }
    }

    @Test
    void aRetrieverWithoutFullTextServesEveryModeByTheEmbedding() {
        InMemoryRetriever store = new InMemoryRetriever();
        store.add("cp.1", 0, "cp", "copy files", List.of("all"));
        float[] q = BagOfWordsModel.vector("copy");
        assertThat(store.search("copy", q, RetrievalMode.SPARSE, 1, List.of("all")))
                .isEqualTo(store.search(q, 1, List.of("all")));
    }
}
