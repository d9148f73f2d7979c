package dev.gemrag.pipeline.cli;

import dev.gemrag.model.eval.HeldOutPerplexity;
import dev.gemrag.model.fetch.ModelLocator;
import dev.gemrag.model.gem.DefaultAdapter;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gemrag eval-perplexity --text FILE}: held-out perplexity of the base model and of the base
 * with the adapter, on the weights each generates with, and their ratio.
 */
@Command(
        name = "eval-perplexity",
        mixinStandardHelpOptions = true,
        description =
                "Per-token perplexity on held-out text (one passage a line, scored alone) of the base "
                        + "model and, when an adapter is found, of the model with it; prints a table with the ratio "
                        + "(issue 9's bound: <= 1.05x).")
public final class EvalPerplexityCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--text",
            required = true,
            description = "plain text, one passage a line, e.g. shared/data/train-sentences.txt")
    Path text;

    @Option(
            names = "--last-lines",
            defaultValue = "500",
            description =
                    "score only the file's last N lines, the held-out tail of a training text (0 = "
                            + "all; default: ${DEFAULT-VALUE})")
    int lastLines;

    @Mixin ModelAndAdapterOption model;

    @Override
    public Integer call() throws IOException {
        if (lastLines < 0) {
            throw new ParameterException(
                    spec.commandLine(), "--last-lines must be >= 0, got " + lastLines);
        }
        if (!Files.isReadable(text)) {
            throw new ParameterException(spec.commandLine(), "--text: cannot read " + text);
        }
        List<String> lines = Files.readAllLines(text).stream().filter(l -> !l.isBlank()).toList();
        if (lastLines > 0 && lines.size() > lastLines) {
            lines = lines.subList(lines.size() - lastLines, lines.size());
        }
        Path base = ModelLocator.resolve(model.value());
        Path adapter = DefaultAdapter.resolve(model.adapter()).path();
        HeldOutPerplexity plain = measure(base, null, lines);
        HeldOutPerplexity adapted = adapter == null ? null : measure(base, adapter, lines);
        // the table after both loads, so their log lines do not cut through it
        PrintWriter out = spec.commandLine().getOut();
        out.println("| model | lines | tokens | perplexity | vs base |");
        out.println("|---|---|---|---|---|");
        row(out, "base", plain, plain);
        if (adapted != null) {
            row(out, "base + " + adapter.getFileName(), adapted, plain);
        }
        out.flush();
        return 0;
    }

    private static HeldOutPerplexity measure(Path base, Path adapter, List<String> lines) {
        try (GemLanguageModel m = ModelRuntime.load(base, adapter)) {
            return HeldOutPerplexity.of(m, lines);
        }
    }

    private static void row(
            PrintWriter out, String name, HeldOutPerplexity p, HeldOutPerplexity base) {
        out.printf(
                "| %s | %d | %d | %.3f | %.4fx |%n",
                name, p.lines(), p.tokens(), p.perplexity(), p.perplexity() / base.perplexity());
    }
}
