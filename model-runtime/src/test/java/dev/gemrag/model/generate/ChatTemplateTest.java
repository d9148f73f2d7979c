package dev.gemrag.model.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.model.ChatMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {
    /** tokenizer.chat_template of SmolLM2-135M-Instruct.Q4_1.gguf, as stored (real newlines). */
    static final String SMOLLM2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
            + "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
            + "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    static final String PLAIN_CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
            + "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    @Test
    void plainChatMlRendersUserTurnAndAssistantPrefix() {
        ChatTemplate t = ChatTemplate.fromJinja(PLAIN_CHATML);
        assertThat(t.style()).isEqualTo(ChatTemplate.Style.CHATML);
        assertThat(t.defaultSystemPrompt()).isEmpty();
        assertThat(t.render(List.of(ChatMessage.user("X"))))
                .isEqualTo("<|im_start|>user\nX<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void smolLm2TemplateAddsItsDefaultSystemTurnUnlessOneIsGiven() {
        ChatTemplate t = ChatTemplate.fromJinja(SMOLLM2);
        assertThat(t.render(List.of(ChatMessage.user("X")))).isEqualTo(
                "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                        + "<|im_start|>user\nX<|im_end|>\n<|im_start|>assistant\n");
        assertThat(t.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("X")))).isEqualTo(
                "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nX<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void escapedNewlinesInTheDefaultSystemLiteralAreUnescaped() {
        ChatTemplate t = ChatTemplate.fromJinja(SMOLLM2.replace("\n", "\\n"));
        assertThat(t.defaultSystemPrompt()).contains("You are a helpful AI assistant named SmolLM, trained by Hugging Face");
    }

    @Test
    void llama3Headers() {
        ChatTemplate t = ChatTemplate.fromJinja("{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + "
                + "message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}");
        assertThat(t.render(List.of(ChatMessage.system("S"), ChatMessage.user(" Q "))))
                .isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nQ<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void unknownOrMissingTemplatesAreRefusedByName() {
        assertThatThrownBy(() -> ChatTemplate.fromJinja("{% for m in messages %}[INST] {{ m['content'] }} [/INST]{% endfor %}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unrecognised chat template")
                .hasMessageContaining("[INST]");
        assertThatThrownBy(() -> ChatTemplate.fromJinja(null)).hasMessageContaining("no chat template");
    }
}
