package dev.gemrag.operators.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.Question;
import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.LanguageModel;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.operators.chunk.WhitespaceTokenizer;
import dev.gemrag.operators.model.SharedEngineModels;
import dev.gemrag.operators.testing.BagOfWordsModel;
import dev.gemrag.operators.testing.CollectingResult;
import dev.gemrag.operators.testing.DirectRuntime;
import dev.gemrag.operators.testing.InMemoryRetriever;
import dev.gemrag.operators.testing.KeyedModelSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.junit.jupiter.api.Test;

/**
 * The answer step tokenises a question once: it encodes the question's embedding input and the ids
 * travel through the JVM's real batching engine to the model, so neither the engine (costing the
 * request) nor the model (embedding it) encodes the text again. The model is a scripted one whose
 * tokenizer records every text it encodes.
 */
class QuestionTokenisedOnceTest {
    private static final String INSTRUCTION = "query: ";
    static final List<String> ENCODED = Collections.synchronizedList(new ArrayList<>());

    @Test
    void aQuestionIsEncodedOnceFromOperatorToModel() throws Exception {
        InMemoryRetriever retriever = new InMemoryRetriever();
        retriever.add("cp.1", 0, "cp", "copy files and directories", List.of("all"));
        AnswerFunction fn =
                new AnswerFunction(
                        new SharedEngineModels(
                                new KeyedModelSource(
                                        "QuestionTokenisedOnceTest", RecordingModel::new),
                                1024,
                                Duration.ofMillis(1)),
                        (id, dim) -> retriever,
                        new AnswerSettings(2, 10, 16, 64, 200, 64));
        fn.setRuntimeContext(DirectRuntime.context());
        fn.open(DefaultOpenContext.INSTANCE);
        String question = "how do I copy directories";
        try {
            CollectingResult<Answer> r = new CollectingResult<>();
            fn.asyncInvoke(new Question("q1", question, new String[] {"all"}, null, null), r);
            Answer a = r.get().get(0);
            assertThat(a.answered()).as(a.answer()).isTrue();
            assertThat(a.citations()).isNotEmpty();
        } finally {
            fn.close();
        }
        List<String> encoded;
        synchronized (ENCODED) {
            encoded = List.copyOf(ENCODED);
        }
        // The prompt (sources, then "Question: ...") is another text: generation tokenises it.
        assertThat(encoded.stream().filter(t -> t.contains(question) && !t.contains("Sources:")))
                .as("texts holding the question that were tokenised, outside the prompt")
                .containsExactly(INSTRUCTION + question);
    }

    /**
     * One id per word (the query instruction prepended), bag-of-words vectors, a fixed reply; every
     * text its tokenizer encodes is recorded.
     */
    static final class RecordingModel implements LanguageModel {
        private final WhitespaceTokenizer words = new WhitespaceTokenizer();
        private final TextTokenizer tokenizer =
                new TextTokenizer() {
                    @Override
                    public int[] encode(String text) {
                        ENCODED.add(text);
                        return words.encode(text);
                    }

                    @Override
                    public String decode(int[] ids) {
                        return words.decode(ids);
                    }
                };

        @Override
        public String id() {
            return "recording";
        }

        @Override
        public int embeddingDimension() {
            return BagOfWordsModel.DIM;
        }

        @Override
        public TextTokenizer tokenizer() {
            return tokenizer;
        }

        @Override
        public String applyChatTemplate(List<ChatMessage> messages) {
            return String.join("\n", messages.stream().map(ChatMessage::content).toList());
        }

        @Override
        public int[] embeddingTokens(String text, EmbedRole role) {
            return tokenizer.encode(role == EmbedRole.QUERY ? INSTRUCTION + text : text);
        }

        @Override
        public List<float[]> embed(List<String> texts, EmbedRole role) {
            return embedTokens(texts.stream().map(t -> embeddingTokens(t, role)).toList(), role);
        }

        @Override
        public List<float[]> embedTokens(List<int[]> tokens, EmbedRole role) {
            return tokens.stream().map(ids -> BagOfWordsModel.vector(words.decode(ids))).toList();
        }

        @Override
        public List<GenerationResult> generate(List<String> prompts, GenerationParams params) {
            return prompts.stream()
                    .map(
                            p ->
                                    new GenerationResult(
                                            "cp copies directories [1].",
                                            List.of(1),
                                            tokenizer.count(p),
                                            "stop",
                                            1,
                                            1))
                    .toList();
        }

        @Override
        public void close() {}
    }
}
