package dev.gemrag.model.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.model.ChatMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {
    /** tokenizer.chat_template of SmolLM2-135M-Instruct.Q4_1.gguf, as stored (real newlines). */
    static final String SMOLLM2 =
            "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
                    + "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
                    + "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
                    + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    static final String PLAIN_CHATML =
            "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
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
        assertThat(t.render(List.of(ChatMessage.user("X"))))
                .isEqualTo(
                        "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                                + "<|im_start|>user\nX<|im_end|>\n<|im_start|>assistant\n");
        assertThat(t.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("X"))))
                .isEqualTo(
                        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nX<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void escapedNewlinesInTheDefaultSystemLiteralAreUnescaped() {
        ChatTemplate t = ChatTemplate.fromJinja(SMOLLM2.replace("\n", "\\n"));
        assertThat(t.defaultSystemPrompt())
                .contains("You are a helpful AI assistant named SmolLM, trained by Hugging Face");
    }

    @Test
    void llama3HeadersWithTheVocabularysBosText() {
        ChatTemplate t =
                ChatTemplate.fromJinja(
                        "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + "
                                + "message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}"
                                + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}",
                        "<|begin_of_text|>", "<|eot_id|>");
        assertThat(t.style()).isEqualTo(ChatTemplate.Style.LLAMA3);
        assertThat(t.render(List.of(ChatMessage.system("S"), ChatMessage.user(" Q "))))
                .isEqualTo(
                        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|>"
                                + "<|start_header_id|>user<|end_header_id|>\n\nQ<|eot_id|>"
                                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        assertThat(t.endOfTurn(List.of("<|begin_of_text|>", "<|eot_id|>", "<|start_header_id|>")))
                .contains("<|eot_id|>");
    }

    @Test
    void anyOtherTemplateIsRenderedNotRecognised() {
        ChatTemplate t =
                ChatTemplate.fromJinja(
                        "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'user' %}"
                                + "[INST] {{ m['content'] }} [/INST]{% else %}{{ m['content'] }}{{ eos_token }}{% endif %}{% endfor %}",
                        "<s>", "</s>");
        assertThat(t.style()).isEqualTo(ChatTemplate.Style.JINJA);
        assertThat(
                        t.render(
                                List.of(
                                        ChatMessage.user("Hi"),
                                        new ChatMessage("assistant", "Yo"),
                                        ChatMessage.user("?"))))
                .isEqualTo("<s>[INST] Hi [/INST]Yo</s>[INST] ? [/INST]");
        assertThat(t.endOfTurn(List.of("<s>", "</s>"))).contains("</s>");
    }

    @Test
    void pythonStringMethodsLoopControlsAndNamespacesWork() {
        ChatTemplate t =
                ChatTemplate.fromJinja(
                        "{% set ns = namespace(n=messages|length - 1, seen=false) %}"
                                + "{% for m in messages[::-1] %}{% if loop.index > 2 %}{% break %}{% endif %}"
                                + "{{ m.content.split('|')[-1].lstrip('- ').rstrip() }}{% if m.content.startswith('a') %}!{% endif %};"
                                + "{% set ns.seen = true %}{% endfor %}{{ ns.n }}{{ ns.seen }}");
        assertThat(
                        t.render(
                                List.of(
                                        ChatMessage.user("x|- one  "),
                                        ChatMessage.user("a|two"),
                                        ChatMessage.user("c|three"))))
                .isEqualTo("three;two!;2true");
    }

    @Test
    void raiseExceptionRefusesTheConversationByItsMessage() {
        ChatTemplate t =
                ChatTemplate.fromJinja(
                        "{% for m in messages %}{% if m['role'] == 'system' %}"
                                + "{{ raise_exception('System role not supported') }}{% endif %}{{ m['content'] }}{% endfor %}");
        assertThat(t.render(List.of(ChatMessage.user("ok")))).isEqualTo("ok");
        assertThatThrownBy(() -> t.render(List.of(ChatMessage.system("S"), ChatMessage.user("ok"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("System role not supported");
    }

    @Test
    void strftimeNowUsesTheGivenClock() {
        java.time.Clock clock =
                java.time.Clock.fixed(
                        java.time.Instant.parse("2026-01-05T10:00:00Z"), java.time.ZoneOffset.UTC);
        ChatTemplate t =
                ChatTemplate.fromJinja(
                        "{% if strftime_now is defined %}{{ strftime_now('%d %b %Y') }}{% endif %}"
                                + "{{ messages[0]['content'] }}",
                        "", "", clock);
        assertThat(t.render(List.of(ChatMessage.user("!")))).isEqualTo("05 Jan 2026!");
    }

    @Test
    void missingTemplatesAreRefused() {
        assertThatThrownBy(() -> ChatTemplate.fromJinja(null))
                .hasMessageContaining("no chat template");
        assertThatThrownBy(() -> ChatTemplate.fromJinja("  "))
                .hasMessageContaining("no chat template");
    }
}
