package dev.gemrag.model.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * llama.cpp's view of the held-out prose ({@code llamacpp-reference-logprobs.json}, made by
 * {@code tools/fixtures/make_llamacpp_fixture.py}): its token ids, for every position the log-prob it
 * gives the actual next token and its arg-max token, and its perplexity.
 */
record LlamaCppReference(int[] tokens, int[] top1, double[] nextLogprob, double perplexity, String modelSha256,
        boolean addBos) {

    static final String FIXTURE = "/llamacpp-reference-logprobs.json";
    static final String PROSE = "/heldout-prose.txt";

    static LlamaCppReference load() {
        try (InputStream in = LlamaCppReference.class.getResourceAsStream(FIXTURE)) {
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
            return new LlamaCppReference(tokens, top1, lp, root.get("perplexity").asDouble(),
                    root.get("model_sha256").asText(), root.get("add_bos").asBoolean());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The scored text exactly as the fixture script built it: non-'#', non-blank lines joined by '\n'. */
    static String prose() {
        try (InputStream in = LlamaCppReference.class.getResourceAsStream(PROSE)) {
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return all.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
