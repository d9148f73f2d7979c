package dev.gemrag.model.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chat through the model's own template, greedy, against what llama.cpp replies (fixtures).
 *
 * <p>Why a system turn in the Paris test: without one, SmolLM2's template inserts its default
 * system turn ("You are a helpful AI assistant named SmolLM, ..."), and with it this 135M model
 * answers "The capital of France is" with a French-sounding non-answer, in llama.cpp too (Q4_1:
 * "L'Allema de France, ...", F32 copy: "L'aujourcé! ..."). With "You are a helpful assistant."
 * llama.cpp says "The capital of France is Paris." on both files.
 */
class RealModelChatIT {
    private static final String QUESTION = "The capital of France is";
    private static RealModel model;

    @BeforeAll
    static void load() {
        model = RealModel.get();
    }

    @Test
    void capitalOfFranceIsParis() {
        String prompt =
                model.chat.render(
                        List.of(
                                ChatMessage.system("You are a helpful assistant."),
                                ChatMessage.user(QUESTION)));
        GenerationResult r =
                model.generator.generate(List.of(prompt), GenerationParams.greedy(32)).get(0);
        System.out.printf(
                "chat reply (%d prompt tokens, %d new, %s): %s%n",
                r.promptTokens(), r.tokens().size(), r.finishReason(), r.text());
        assertThat(prompt).startsWith("<|im_start|>system\n").endsWith("<|im_start|>assistant\n");
        assertThat(r.text()).contains("Paris");
    }

    @Test
    void withTheTemplatesDefaultSystemTurnWeReplyWhatLlamaCppReplies() {
        // Same weights in FP32 on both sides: template, tokenizer, forward and greedy decoding must
        // all
        // match for the 48-token replies to be equal.
        String expected =
                LlamaCppReference.load(LlamaCppReference.F32).parisReplies().get("default_system");
        String prompt = model.chat.render(List.of(ChatMessage.user(QUESTION)));
        GenerationResult r =
                model.generator.generate(List.of(prompt), GenerationParams.greedy(48)).get(0);
        System.out.printf(
                "default system turn: ours %s%n                     llama.cpp %s%n",
                r.text(), expected);
        assertThat(prompt).contains("You are a helpful AI assistant named SmolLM");
        assertThat(r.text()).isEqualTo(expected);
    }
}
