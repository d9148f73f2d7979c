package dev.gemrag.model.generate;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.gemrag.model.ChatMessage;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELResolver;

/**
 * Renders a Hugging Face chat template with HubSpot's Jinjava, set up the way transformers and
 * llama-cpp-python set up jinja2: trim_blocks and lstrip_blocks on, loop controls, and the globals
 * templates expect ({@code messages}, {@code bos_token}, {@code eos_token}, {@code
 * add_generation_prompt}, {@code raise_exception(msg)}, {@code strftime_now(fmt)}). Jinjava follows
 * Python-like semantics (PyishObjectMapper, natural operator precedence, strict whitespace control)
 * so that the outputs match jinja2.
 *
 * <p>Thread-safe: each render has its own interpreter state; the parsed configuration is shared.
 */
final class JinjaChatRenderer {
    private final Jinjava jinjava;
    private final String template;
    private final String bosToken;
    private final String eosToken;
    private final Clock clock;

    /** Binding under which strftime_now finds this renderer's clock (a name no template uses). */
    private static final String CLOCK_BINDING = "__gemrag_clock";

    JinjaChatRenderer(String template, String bosToken, String eosToken, Clock clock) {
        this.template = JinjaCompat.rewrite(template);
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        JinjavaConfig config =
                JinjavaConfig.newBuilder()
                        .withTrimBlocks(true)
                        .withLstripBlocks(true)
                        .withFailOnUnknownTokens(false)
                        .withElResolver(resolver())
                        .withLegacyOverrides(
                                LegacyOverrides.newBuilder()
                                        .withUsePyishObjectMapper(true)
                                        .withUseNaturalOperatorPrecedence(true)
                                        .withParseWhitespaceControlStrictly(true)
                                        .withKeepNullableLoopValues(true)
                                        .withUseTrimmingForNotesAndExpressions(true)
                                        .build())
                        .build();
        this.jinjava = new Jinjava(config);
        Context globals = jinjava.getGlobalContext();
        globals.registerFunction(
                new ELFunctionDefinition(
                        "",
                        "raise_exception",
                        TemplateFunctions.class,
                        "raiseException",
                        Object.class));
        globals.registerFunction(
                new ELFunctionDefinition(
                        "", "strftime_now", TemplateFunctions.class, "strftimeNow", String.class));
        this.clock = clock;
    }

    /** Python str methods first, then Jinjava's own (read-only) resolution. */
    private static ELResolver resolver() {
        CompositeELResolver r = new CompositeELResolver();
        r.add(new PyStringMethods());
        r.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        return r;
    }

    String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> list = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            list.add(map);
        }
        Map<String, Object> bindings = new HashMap<>();
        bindings.put("messages", list);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.put(CLOCK_BINDING, clock);
        // templates test "strftime_now is defined" before calling it; the functions themselves are
        // registered below
        bindings.put("strftime_now", "strftime_now");
        bindings.put("raise_exception", "raise_exception");
        RenderResult result = jinjava.renderForResult(template, bindings);
        for (TemplateError e : result.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                String msg = e.getMessage();
                for (Throwable c = e.getException(); c != null; c = c.getCause()) {
                    if (c instanceof TemplateRaised raised) {
                        msg = "raise_exception: " + raised.getMessage();
                        break;
                    }
                }
                throw new IllegalArgumentException("chat template failed: " + msg);
            }
        }
        return result.getOutput();
    }

    /**
     * The functions HF templates call; static because Jinjava binds functions to static methods.
     */
    public static final class TemplateFunctions {
        private TemplateFunctions() {}

        public static Object raiseException(Object message) {
            throw new TemplateRaised(String.valueOf(message));
        }

        public static String strftimeNow(String format) {
            Object clock = JinjavaInterpreter.getCurrent().getContext().get(CLOCK_BINDING);
            return Strftime.format(
                    format,
                    ZonedDateTime.now(clock instanceof Clock c ? c : Clock.systemDefaultZone()));
        }
    }

    /** What {@code raise_exception} throws: the template refused the conversation. */
    static final class TemplateRaised extends RuntimeException {
        TemplateRaised(String message) {
            super(message);
        }
    }
}
