package dev.gemrag.model.generate;

import dev.gemrag.model.ChatMessage;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders chat messages the way a model's Jinja chat template does, for the template families we
 * recognise (no general Jinja engine): ChatML ({@code <|im_start|>role\ncontent<|im_end|>\n}, SmolLM2,
 * Qwen2) and Llama-3 headers ({@code <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>}).
 * Rendering always ends with the assistant prefix (add_generation_prompt = true).
 *
 * <p>A ChatML template that inserts a default system turn when the first message is not a system message
 * (SmolLM2: "You are a helpful AI assistant named SmolLM, trained by Hugging Face") is followed: the
 * default text is read from the template itself. Limits: Llama-3.1's date preamble and tool-calling
 * branches are not reproduced.
 */
public final class ChatTemplate {
    /** The template families we can render. */
    public enum Style {
        CHATML,
        LLAMA3
    }

    // '<|im_start|>system\n' + text + '<|im_end|>' inside one Jinja string literal; \n may be escaped
    private static final Pattern CHATML_DEFAULT_SYSTEM =
            Pattern.compile("<\\|im_start\\|>system(?:\\n|\\\\n)([^'\"]*?)<\\|im_end\\|>");

    private final Style style;
    private final String defaultSystemPrompt;
    private final String bos;

    private ChatTemplate(Style style, String defaultSystemPrompt, String bos) {
        this.style = style;
        this.defaultSystemPrompt = defaultSystemPrompt;
        this.bos = bos;
    }

    /** ChatML; defaultSystemPrompt (may be null) is inserted when the first message is not a system one. */
    public static ChatTemplate chatMl(String defaultSystemPrompt) {
        return new ChatTemplate(Style.CHATML, defaultSystemPrompt, "");
    }

    /** Llama-3 headers, starting with {@code <|begin_of_text|>}. */
    public static ChatTemplate llama3() {
        return new ChatTemplate(Style.LLAMA3, null, "<|begin_of_text|>");
    }

    /**
     * Recognises a model's Jinja template text (GGUF {@code tokenizer.chat_template} or tokenizer_config.json).
     *
     * @throws IllegalArgumentException when the text is missing or of an unknown family
     */
    public static ChatTemplate fromJinja(String template) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("the model has no chat template: format prompts yourself");
        }
        if (template.contains("<|im_start|>")) {
            Matcher m = CHATML_DEFAULT_SYSTEM.matcher(template);
            boolean onlyWithoutSystem = template.contains("!= 'system'") || template.contains("!= \"system\"");
            String system = null;
            if (onlyWithoutSystem && m.find()) {
                system = m.group(1).replace("\\n", "\n");
            }
            return chatMl(system);
        }
        if (template.contains("<|start_header_id|>")) {
            return llama3();
        }
        String head = template.strip().replace('\n', ' ');
        throw new IllegalArgumentException("unrecognised chat template (known: ChatML '<|im_start|>', Llama-3 "
                + "'<|start_header_id|>'): " + (head.length() > 80 ? head.substring(0, 80) + "..." : head));
    }

    public Style style() {
        return style;
    }

    public Optional<String> defaultSystemPrompt() {
        return Optional.ofNullable(defaultSystemPrompt);
    }

    /** The prompt text for these messages, ending with the assistant prefix. */
    public String render(List<ChatMessage> messages) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("no messages to render");
        }
        StringBuilder out = new StringBuilder(bos);
        if (style == Style.CHATML) {
            if (defaultSystemPrompt != null && !"system".equals(messages.get(0).role())) {
                turnChatMl(out, "system", defaultSystemPrompt);
            }
            for (ChatMessage msg : messages) {
                turnChatMl(out, msg.role(), msg.content());
            }
            return out.append("<|im_start|>assistant\n").toString();
        }
        for (ChatMessage msg : messages) {
            out.append("<|start_header_id|>").append(msg.role()).append("<|end_header_id|>\n\n")
                    .append(msg.content().strip()).append("<|eot_id|>");
        }
        return out.append("<|start_header_id|>assistant<|end_header_id|>\n\n").toString();
    }

    private static void turnChatMl(StringBuilder out, String role, String content) {
        out.append("<|im_start|>").append(role).append('\n').append(content).append("<|im_end|>\n");
    }
}
