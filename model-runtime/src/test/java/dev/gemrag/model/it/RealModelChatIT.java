package dev.gemrag.model.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A user message through the model's own chat template, greedy: the real model knows Paris. */
class RealModelChatIT {
    private static RealModel model;

    @BeforeAll
    static void load() {
        model = RealModel.get();
    }

    @Test
    void capitalOfFranceIsParis() {
        String prompt = model.chat.render(List.of(ChatMessage.user("The capital of France is")));
        GenerationResult r = model.generator.generate(List.of(prompt), GenerationParams.greedy(32)).get(0);
        System.out.printf("chat reply (%d prompt tokens, %d new, %s): %s%n", r.promptTokens(), r.tokens().size(),
                r.finishReason(), r.text());
        assertThat(prompt).startsWith("<|im_start|>").endsWith("<|im_start|>assistant\n");
        assertThat(r.text()).contains("Paris");
    }
}
