package dev.gemrag.model.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.model.ChatMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each chat template of llama.cpp's models/templates that belongs to a supported family, rendered
 * by us (Jinjava) and by llama-cpp-python's Jinja2ChatFormatter (jinja2) for the same conversation:
 * identical text. Fixtures: {@code src/test/resources/templates} ({@code
 * tools/fixtures/make_template_fixtures.py}).
 */
class ChatTemplateLlamaCppTest {
    private static final JsonNode EXPECTED = read("/templates/expected.json");

    static Stream<Arguments> templates() {
        List<Arguments> out = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = EXPECTED.get("templates").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.add(Arguments.of(e.getKey(), e.getValue()));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void rendersLikeLlamaCppPython(String name, JsonNode expected) throws IOException {
        String template;
        try (InputStream in =
                ChatTemplateLlamaCppTest.class.getResourceAsStream(
                        "/templates/" + name + ".jinja")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Clock clock =
                Clock.fixed(
                        LocalDateTime.parse(EXPECTED.get("date").asText())
                                .toInstant(ZoneOffset.UTC),
                        ZoneOffset.UTC);
        ChatTemplate t =
                ChatTemplate.fromJinja(
                        template,
                        expected.get("bos_token").asText(),
                        expected.get("eos_token").asText(),
                        clock);
        List<ChatMessage> conversation = new ArrayList<>();
        for (JsonNode m : EXPECTED.get("conversation")) {
            conversation.add(new ChatMessage(m.get("role").asText(), m.get("content").asText()));
        }
        assertThat(t.render(conversation)).isEqualTo(expected.get("rendered").asText());
    }

    /**
     * ChatTemplate is shared by concurrent answer requests: parallel renders give the same text.
     */
    @org.junit.jupiter.api.Test
    void rendersConcurrently() throws Exception {
        JsonNode qwen = EXPECTED.get("templates").get("Qwen-Qwen3-0.6B");
        String template;
        try (InputStream in =
                ChatTemplateLlamaCppTest.class.getResourceAsStream(
                        "/templates/Qwen-Qwen3-0.6B.jinja")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ChatTemplate t = ChatTemplate.fromJinja(template, "", "<|im_end|>");
        List<ChatMessage> conversation = new ArrayList<>();
        for (JsonNode m : EXPECTED.get("conversation")) {
            conversation.add(new ChatMessage(m.get("role").asText(), m.get("content").asText()));
        }
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> t.render(conversation)));
            }
            for (java.util.concurrent.Future<String> r : results) {
                assertThat(r.get()).isEqualTo(qwen.get("rendered").asText());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static JsonNode read(String resource) {
        try (InputStream in = ChatTemplateLlamaCppTest.class.getResourceAsStream(resource)) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
