package dev.gemrag.model.eval;

import dev.gemrag.model.Pooling;
import dev.gemrag.model.gem.EmbeddingSettings;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs the named configurations on one dataset, loading each model once: {@code base-last}, {@code
 * base-mean} (the base weights, no adapter), {@code gem} (base + adapter) and the peers {@code
 * minilm} and {@code bge-small}.
 */
public final class EvalConfigs {
    public static final List<String> ALL =
            List.of("base-last", "base-mean", "gem", "minilm", "bge-small");

    private EvalConfigs() {}

    public static List<EvalResult> run(
            BeirDataset data,
            List<String> configs,
            Path base,
            Path adapter,
            int batchSize,
            int maxTokens,
            Consumer<String> log) {
        for (String c : configs) {
            if (!ALL.contains(c)) {
                throw new IllegalArgumentException(
                        "unknown eval config '" + c + "'; choose from " + ALL);
            }
        }
        if (configs.contains("gem") && adapter == null) {
            throw new IllegalArgumentException(
                    "config 'gem' needs a GEM adapter: pass --adapter PATH or set $GEMRAG_MODEL_ADAPTER");
        }
        RetrievalEval eval = new RetrievalEval(batchSize);
        List<EvalResult> out = new ArrayList<>();
        Set<String> wanted = Set.copyOf(configs);
        if (wanted.contains("base-last") || wanted.contains("base-mean")) {
            try (GemLanguageModel m = ModelRuntime.load(base, null)) {
                for (String c : List.of("base-last", "base-mean")) {
                    if (wanted.contains(c)) {
                        Pooling p = c.equals("base-last") ? Pooling.LAST : Pooling.MEAN;
                        out.add(
                                runOne(
                                        eval,
                                        data,
                                        new ModelEmbedder(
                                                c,
                                                m.embedder(EmbeddingSettings.base(p, maxTokens))),
                                        log));
                    }
                }
            }
        }
        if (wanted.contains("gem")) {
            try (GemLanguageModel m = ModelRuntime.load(base, adapter)) {
                EmbeddingSettings s = m.embeddingSettings();
                out.add(
                        runOne(
                                eval,
                                data,
                                new ModelEmbedder(
                                        "gem",
                                        m.embedder(
                                                s.withMaxTokens(
                                                        Math.min(maxTokens, s.maxTokens())))),
                                log));
            }
        }
        if (wanted.contains("minilm")) {
            out.add(runOne(eval, data, new MiniLmEmbedder(), log));
        }
        if (wanted.contains("bge-small")) {
            out.add(runOne(eval, data, new BgeSmallEmbedder(), log));
        }
        return out;
    }

    private static EvalResult runOne(
            RetrievalEval eval, BeirDataset data, TextEmbedder e, Consumer<String> log) {
        int total = data.corpus().size() + data.queries().size();
        log.accept("embedding " + total + " texts with " + e.name() + "...");
        long[] lastReport = {System.nanoTime()};
        EvalResult r =
                eval.run(
                        data,
                        e,
                        done -> {
                            if (System.nanoTime() - lastReport[0] > 15_000_000_000L) {
                                lastReport[0] = System.nanoTime();
                                log.accept("  " + e.name() + ": " + done + "/" + total);
                            }
                        });
        log.accept(
                String.format(
                        java.util.Locale.ROOT,
                        "  %s: nDCG@10 %.4f, %.1f texts/s",
                        e.name(),
                        r.ndcg10(),
                        r.textsPerSecond()));
        return r;
    }
}
