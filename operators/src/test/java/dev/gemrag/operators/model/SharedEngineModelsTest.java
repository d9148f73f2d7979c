package dev.gemrag.operators.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.LanguageModel;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.operators.chunk.WhitespaceTokenizer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Operators reach the tokenizer and template through the shared engine: one load, closed by the
 * last client.
 */
class SharedEngineModelsTest {
    static final AtomicInteger LOADS = new AtomicInteger();
    static final AtomicInteger CLOSES = new AtomicInteger();

    @Test
    void clientsShareOneModelAndReachItsTokenizerThroughTheEngine() {
        SharedEngineModels models =
                new SharedEngineModels(new CountingSource(), 1024, Duration.ofMillis(1));
        try (ModelClient a = models.open();
                ModelClient b = models.open()) {
            assertThat(LOADS.get()).isEqualTo(1);
            assertThat(a.tokenizer().count("three little words")).isEqualTo(3);
            assertThat(b.applyChatTemplate(List.of(ChatMessage.user("hi")))).isEqualTo("user:hi");
            assertThat(a.embed(List.of("x"), EmbedRole.QUERY).join().get(0))
                    .containsExactly(1f, 0f);
            assertThat(CLOSES.get()).isZero();
        }
        assertThat(CLOSES.get()).as("the last client closes the model").isEqualTo(1);
    }

    static final class CountingSource implements ModelSource {
        private static final long serialVersionUID = 1L;

        @Override
        public String key() {
            return "shared-engine-models-test";
        }

        @Override
        public LanguageModel load() {
            LOADS.incrementAndGet();
            return new LanguageModel() {
                private final TextTokenizer tokenizer = new WhitespaceTokenizer();

                @Override
                public String id() {
                    return "counting";
                }

                @Override
                public int embeddingDimension() {
                    return 2;
                }

                @Override
                public TextTokenizer tokenizer() {
                    return tokenizer;
                }

                @Override
                public String applyChatTemplate(List<ChatMessage> messages) {
                    return messages.get(0).role() + ":" + messages.get(0).content();
                }

                @Override
                public List<float[]> embed(List<String> texts, EmbedRole role) {
                    return texts.stream().map(t -> new float[] {1f, 0f}).toList();
                }

                @Override
                public List<GenerationResult> generate(
                        List<String> prompts, GenerationParams params) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void close() {
                    CLOSES.incrementAndGet();
                }
            };
        }
    }
}
