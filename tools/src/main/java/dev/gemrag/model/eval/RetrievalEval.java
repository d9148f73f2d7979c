package dev.gemrag.model.eval;

import dev.gemrag.model.EmbedRole;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Embeds a BEIR set with one embedder, searches exactly, and averages the metrics over the queries.
 */
public final class RetrievalEval {
    private final int batchSize;

    public RetrievalEval(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.batchSize = batchSize;
    }

    public EvalResult run(BeirDataset data, TextEmbedder embedder, IntConsumer progress) {
        long start = System.nanoTime();
        List<float[]> docVectors =
                embedAll(
                        embedder,
                        data.corpus().stream().map(BeirDataset.Doc::embeddingText).toList(),
                        EmbedRole.DOCUMENT,
                        progress,
                        0);
        List<float[]> queryVectors =
                embedAll(
                        embedder,
                        data.queries().stream().map(BeirDataset.Query::text).toList(),
                        EmbedRole.QUERY,
                        progress,
                        docVectors.size());
        double seconds = (System.nanoTime() - start) / 1e9;
        ExactSearch search =
                new ExactSearch(
                        data.corpus().stream().map(BeirDataset.Doc::id).toList(), docVectors);
        List<List<String>> ranked = new ArrayList<>(queryVectors.size());
        for (float[] q : queryVectors) {
            ranked.add(search.topK(q, 10));
        }
        int texts = docVectors.size() + queryVectors.size();
        return RankingScores.row(embedder.name(), data, ranked, texts / seconds);
    }

    /** Embeds in batches of similar length (less padding), returns vectors in input order. */
    private List<float[]> embedAll(
            TextEmbedder embedder,
            List<String> texts,
            EmbedRole role,
            IntConsumer progress,
            int done) {
        Integer[] order = new Integer[texts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> texts.get(i).length()));
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < order.length; i += batchSize) {
            List<String> batch = new ArrayList<>();
            for (int j = i; j < Math.min(order.length, i + batchSize); j++) {
                batch.add(texts.get(order[j]));
            }
            List<float[]> vs = embedder.embed(batch, role);
            for (int j = 0; j < vs.size(); j++) {
                out[order[i + j]] = vs.get(j);
            }
            if (progress != null) {
                progress.accept(done + Math.min(order.length, i + batchSize));
            }
        }
        return java.util.Arrays.asList(out);
    }
}
