package dev.gemrag.pipeline.cli;

import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gemrag generate "TEXT"}: one reply from the model, TEXT sent as a user message through the
 * model's chat template (or, with {@code --raw}, continued as plain text).
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Generate a reply to TEXT with the model (chat template unless --raw).")
public final class GenerateCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "TEXT",
            description = "The user message (or, with --raw, the text to continue).")
    String text;

    @Option(names = "--raw", description = "Continue TEXT as is, without the chat template.")
    boolean raw;

    @Mixin ModelAndAdapterOption model;

    @Option(
            names = "--max-tokens",
            paramLabel = "N",
            defaultValue = "128",
            description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(
            names = "--temperature",
            paramLabel = "T",
            defaultValue = "0",
            description = "0 = greedy (default); higher = more random.")
    float temperature;

    @Option(
            names = "--top-p",
            paramLabel = "P",
            defaultValue = "1",
            description = "Nucleus sampling mass in (0, 1] (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "0",
            description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--stats", description = "Also print token counts and timings on stderr.")
    boolean stats;

    @Override
    public Integer call() {
        GenerationParams params = validatedParams();
        PrintWriter out = spec.commandLine().getOut();
        try (RuntimeSession session = RuntimeSession.open(model.value(), model.adapter())) {
            String prompt = raw ? text : session.chatPrompt(List.of(ChatMessage.user(text)));
            GenerationResult result = session.generate(List.of(prompt), params).get(0);
            out.println(result.text());
            out.flush();
            if (stats) {
                PrintWriter err = spec.commandLine().getErr();
                err.printf(
                        "gemrag: %d prompt tokens, %d generated (%s), prefill %.0f ms, decode %.0f ms%n",
                        result.promptTokens(),
                        result.tokens().size(),
                        result.finishReason(),
                        result.prefillNanos() / 1e6,
                        result.decodeNanos() / 1e6);
                err.flush();
            }
        }
        return 0;
    }

    /** Checks the options before any model is loaded, so a typo costs no load time. */
    private GenerationParams validatedParams() {
        if (text == null || text.isBlank()) {
            throw new ParameterException(spec.commandLine(), "TEXT must not be empty");
        }
        if (maxTokens <= 0) {
            throw new ParameterException(
                    spec.commandLine(), "--max-tokens must be positive, got " + maxTokens);
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new ParameterException(
                    spec.commandLine(), "--temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new ParameterException(
                    spec.commandLine(), "--top-p must be in (0, 1], got " + topP);
        }
        return new GenerationParams(maxTokens, temperature, topP, seed);
    }
}
