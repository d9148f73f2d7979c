package dev.gemrag.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gemrag embed}: one JSON line per text with its embedding. */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        description =
                "Embed texts (arguments, or stdin lines) with the GEM model; prints one JSON line per text.")
public final class EmbedCommand implements Callable<Integer> {
    @Mixin ModelAndAdapterOption model;

    @Option(
            names = "--role",
            defaultValue = "document",
            description = "query or document (default: ${DEFAULT-VALUE})")
    String role;

    @Option(
            names = "--batch",
            defaultValue = "16",
            description = "texts per forward pass (default: ${DEFAULT-VALUE})")
    int batch;

    @Parameters(
            arity = "0..*",
            paramLabel = "TEXT",
            description = "texts to embed; none: read lines from stdin")
    List<String> texts = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        EmbedRole r =
                switch (role.toLowerCase(java.util.Locale.ROOT)) {
                    case "query" -> EmbedRole.QUERY;
                    case "document", "doc" -> EmbedRole.DOCUMENT;
                    default ->
                            throw new IllegalArgumentException(
                                    "--role must be query or document, got '" + role + "'");
                };
        List<String> input = texts;
        if (input.isEmpty()) {
            input = new ArrayList<>();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    input.add(line);
                }
            }
        }
        ObjectMapper json = new ObjectMapper();
        try (GemLanguageModel m = ModelRuntime.loadDefault(model.value(), model.adapter())) {
            for (int i = 0; i < input.size(); i += batch) {
                List<String> part = input.subList(i, Math.min(input.size(), i + batch));
                List<float[]> vectors = m.embed(part, r);
                for (int j = 0; j < part.size(); j++) {
                    ObjectNode o = json.createObjectNode();
                    o.put("index", i + j);
                    o.put("model", m.id());
                    o.put("dim", vectors.get(j).length);
                    var arr = o.putArray("embedding");
                    for (float v : vectors.get(j)) {
                        arr.add(v);
                    }
                    System.out.println(json.writeValueAsString(o));
                }
            }
            if (m.truncatedInputs() > 0) {
                System.err.println(
                        "gemrag: "
                                + m.truncatedInputs()
                                + " input(s) were truncated to "
                                + m.embeddingSettings().maxTokens()
                                + " tokens");
            }
        }
        return 0;
    }
}
