package dev.gemrag.model.generate;

import dev.gemrag.model.ChatMessage;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders chat messages with a model's own Jinja chat template ({@link #fromJinja}: the template
 * text is run by HubSpot's Jinjava, configured like transformers/llama-cpp-python's jinja2, see
 * {@link JinjaChatRenderer}), always with {@code add_generation_prompt = true}. Two hand-written
 * shapes remain for callers without a template: ChatML ({@link #chatMl}) and Llama-3 headers
 * ({@link #llama3}).
 *
 * <p>{@link #style()} and {@link #defaultSystemPrompt()} describe a template (ChatML, Llama-3
 * headers or another Jinja template; the default system text a ChatML template inserts); they do
 * not drive rendering. Thread-safe.
 */
public final class ChatTemplate {
    /** The template families we can render. */
    public enum Style {
        CHATML,
        LLAMA3,
        /** Any other Jinja template (Gemma, Mistral, ...): rendered, not recognised. */
        JINJA
    }

    // '<|im_start|>system\n' + text + '<|im_end|>' inside one Jinja string literal; \n may be
    // escaped
    private static final Pattern CHATML_DEFAULT_SYSTEM =
            Pattern.compile("<\\|im_start\\|>system(?:\\n|\\\\n)([^'\"]*?)<\\|im_end\\|>");

    private final Style style;
    private final String defaultSystemPrompt;
    private final String bos;
    private final JinjaChatRenderer jinja; // null for the hand-written shapes

    private ChatTemplate(
            Style style, String defaultSystemPrompt, String bos, JinjaChatRenderer jinja) {
        this.style = style;
        this.defaultSystemPrompt = defaultSystemPrompt;
        this.bos = bos;
        this.jinja = jinja;
    }

    /**
     * ChatML; defaultSystemPrompt (may be null) is inserted when the first message is not a system
     * one.
     */
    public static ChatTemplate chatMl(String defaultSystemPrompt) {
        return new ChatTemplate(Style.CHATML, defaultSystemPrompt, "", null);
    }

    /** Llama-3 headers, starting with {@code <|begin_of_text|>}. */
    public static ChatTemplate llama3() {
        return new ChatTemplate(Style.LLAMA3, null, "<|begin_of_text|>", null);
    }

    /**
     * A model's Jinja template text (GGUF {@code tokenizer.chat_template} or
     * tokenizer_config.json), with empty {@code bos_token}/{@code eos_token}: use {@link
     * #fromJinja(String, String, String)} when the template writes them (Llama 3 starts with {@code
     * {{ bos_token }}}).
     *
     * @throws IllegalArgumentException when the text is missing or is not valid Jinja
     */
    public static ChatTemplate fromJinja(String template) {
        return fromJinja(template, "", "");
    }

    /**
     * As {@link #fromJinja(String)}, with the vocabulary's BOS and EOS texts for the template's
     * variables.
     */
    public static ChatTemplate fromJinja(String template, String bosToken, String eosToken) {
        return fromJinja(template, bosToken, eosToken, Clock.systemDefaultZone());
    }

    /**
     * Tests: {@code strftime_now} reads {@code clock} (Llama 3.1 writes today's date into the
     * system turn).
     */
    static ChatTemplate fromJinja(String template, String bosToken, String eosToken, Clock clock) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException(
                    "the model has no chat template: format prompts yourself");
        }
        JinjaChatRenderer renderer = new JinjaChatRenderer(template, bosToken, eosToken, clock);
        Style style =
                template.contains("<|im_start|>")
                        ? Style.CHATML
                        : template.contains("<|start_header_id|>") ? Style.LLAMA3 : Style.JINJA;
        String system = null;
        if (style == Style.CHATML) {
            Matcher m = CHATML_DEFAULT_SYSTEM.matcher(template);
            boolean onlyWithoutSystem =
                    template.contains("!= 'system'") || template.contains("!= \"system\"");
            if (onlyWithoutSystem && m.find()) {
                system = m.group(1).replace("\\n", "\n");
            }
        }
        ChatTemplate t = new ChatTemplate(style, system, "", renderer);
        t.render(
                List.of(
                        ChatMessage.user(
                                "ping"))); // a template that cannot render a user turn fails here,
        // by name
        return t;
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
        if (jinja != null) {
            return jinja.render(messages, true);
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
            out.append("<|start_header_id|>")
                    .append(msg.role())
                    .append("<|end_header_id|>\n\n")
                    .append(msg.content().strip())
                    .append("<|eot_id|>");
        }
        return out.append("<|start_header_id|>assistant<|end_header_id|>\n\n").toString();
    }

    /**
     * The special token that closes an assistant turn in this template (ChatML's {@code
     * <|im_end|>}, Llama 3's {@code <|eot_id|>}, Gemma's {@code <end_of_turn>}), found by rendering
     * a conversation with a marked assistant reply and reading which of {@code specialTokens}
     * follows it. Generation stops on it.
     */
    public Optional<String> endOfTurn(Collection<String> specialTokens) {
        String marker = "\u2063reply\u2063";
        String text;
        try {
            text =
                    render(
                            List.of(
                                    ChatMessage.user("q"),
                                    new ChatMessage("assistant", marker),
                                    ChatMessage.user("q")));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int at = text.indexOf(marker);
        if (at < 0) {
            return Optional.empty();
        }
        String after = text.substring(at + marker.length()).stripLeading();
        String best = null;
        for (String s : specialTokens) {
            if (!s.isEmpty()
                    && after.startsWith(s)
                    && (best == null || s.length() > best.length())) {
                best = s;
            }
        }
        return Optional.ofNullable(best);
    }

    private static void turnChatMl(StringBuilder out, String role, String content) {
        out.append("<|im_start|>").append(role).append('\n').append(content).append("<|im_end|>\n");
    }
}
