package dev.gemrag.pipeline.bench;

import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.LanguageModel;
import dev.gemrag.model.engine.BatchingEngine;
import dev.gemrag.model.engine.EngineOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answer throughput through the batching engine (what the pipeline's answer operator sees): the
 * same prompts submitted all at once (they share the continuous decode batch) vs one after another,
 * each waiting for the previous. Aggregate tokens/s = completion tokens / wall time; greedy, stops
 * at EOS.
 */
public final class ConcurrentAnswers {
    private final LanguageModel model;
    private final int maxTokens;

    public ConcurrentAnswers(LanguageModel model, int maxTokens) {
        this.model = model;
        this.maxTokens = maxTokens;
    }

    /**
     * Tokens/s: {@code [alone, concurrent]} over {@code prompts}, best of {@code repeats} after a
     * warm-up.
     */
    public double[] tokensPerSecond(List<String> prompts, int repeats) {
        double bestAlone = 0;
        double bestTogether = 0;
        EngineOptions options = EngineOptions.defaults();
        try (BatchingEngine engine = new BatchingEngine(model, options)) {
            GenerationParams params = GenerationParams.greedy(maxTokens);
            for (int r = 0; r <= repeats; r++) {
                long t0 = System.nanoTime();
                long tokens = 0;
                for (String p : prompts) {
                    tokens += engine.generate(p, params).join().tokens().size();
                }
                double alone = tokens / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                List<CompletableFuture<GenerationResult>> all = new ArrayList<>();
                for (String p : prompts) {
                    all.add(engine.generate(p, params));
                }
                tokens = 0;
                for (CompletableFuture<GenerationResult> f : all) {
                    tokens += f.join().tokens().size();
                }
                double together = tokens / ((System.nanoTime() - t0) / 1e9);
                if (r > 0) {
                    bestAlone = Math.max(bestAlone, alone);
                    bestTogether = Math.max(bestTogether, together);
                }
            }
        }
        return new double[] {bestAlone, bestTogether};
    }
}
