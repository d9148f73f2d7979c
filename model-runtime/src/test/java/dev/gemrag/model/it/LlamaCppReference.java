package dev.gemrag.model.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * llama.cpp's view of the held-out prose (fixtures made by {@code
 * tools/fixtures/make_llamacpp_fixture.py}): its token ids, for every position the log-prob it
 * gives the actual next token and its arg-max token, its perplexity, and its greedy replies to "The
 * capital of France is" under a few system turns.
 *
 * @param sourceSha256 sha256 of the GGUF our side must load for the comparison to mean anything:
 *     the default Q4_1 file itself, or the file the F32 copy was dequantised from
 */
record LlamaCppReference(
        int[] tokens,
        int[] top1,
        double[] nextLogprob,
        double perplexity,
        String sourceSha256,
        boolean addBos,
        Map<String, String> parisReplies) {

    /** llama.cpp on the default Q4_1 GGUF (it multiplies with Q8-quantised activations). */
    static final String Q4_1 = "/llamacpp-reference-logprobs.json";

    /**
     * llama.cpp on an F32 copy of the same GGUF (dequantize_gguf.py): FP32 maths on our exact
     * weights.
     */
    static final String F32 = "/llamacpp-f32-reference-logprobs.json";

    static final String PROSE = "/heldout-prose.txt";

    static LlamaCppReference load(String fixture) {
        try (InputStream in = LlamaCppReference.class.getResourceAsStream(fixture)) {
            JsonNode root = new ObjectMapper().readTree(in);
            JsonNode positions = root.get("positions");
            int n = positions.size();
            int[] tokens = new int[n];
            int[] top1 = new int[n];
            double[] lp = new double[n - 1];
            for (int i = 0; i < n; i++) {
                JsonNode p = positions.get(i);
                tokens[i] = p.get("token").asInt();
                top1[i] = p.get("top1").asInt();
                if (i < n - 1) {
                    lp[i] = p.get("next_logprob").asDouble();
                }
            }
            JsonNode from = root.get("dequantized_from_sha256");
            String source =
                    from == null || from.isNull()
                            ? root.get("model_sha256").asText()
                            : from.asText();
            Map<String, String> replies = new TreeMap<>();
            root.get("paris_greedy_replies")
                    .fields()
                    .forEachRemaining(e -> replies.put(e.getKey(), e.getValue().asText()));
            return new LlamaCppReference(
                    tokens,
                    top1,
                    lp,
                    root.get("perplexity").asDouble(),
                    source,
                    root.get("add_bos").asBoolean(),
                    replies);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The scored text exactly as the fixture script built it: non-'#', non-blank lines joined by
     * '\n'.
     */
    static String prose() {
        try (InputStream in = LlamaCppReference.class.getResourceAsStream(PROSE)) {
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return all.lines()
                    .filter(l -> !l.startsWith("#") && !l.isBlank())
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
