package dev.gemrag.operators.answer;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.connectors.milvus.ScoreNormalization;
import dev.gemrag.model.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Query-likelihood reranking (retrieval.rerank: llm): each candidate chunk, its title and its first
 * {@code chunkTokens} tokens, becomes a context "Passage: ... A question this passage answers:",
 * the question is the continuation, and the answering model's mean log-probability of the
 * question's tokens orders the candidates. A passage that makes the question expected is one that
 * is about it; unlike the fused retrieval score this reads the words in order, with the weights
 * that will write the answer.
 */
public final class QueryLikelihood {
    /** Written before the question, so that the question is the natural next text. */
    static final String CUE = "\nA question this passage answers:";

    private QueryLikelihood() {}

    /**
     * The scoring contexts, one per candidate, each cut to {@code chunkTokens} tokens of chunk
     * text.
     */
    public static List<String> contexts(
            List<RetrievedChunk> candidates, TextTokenizer tokenizer, int chunkTokens) {
        List<String> out = new ArrayList<>(candidates.size());
        for (RetrievedChunk c : candidates) {
            String text = c.text().strip();
            int[] ids = tokenizer.encode(text);
            if (ids.length > chunkTokens) {
                text = tokenizer.decode(Arrays.copyOf(ids, chunkTokens));
            }
            String title = c.title() == null || c.title().isBlank() ? "" : c.title().strip() + "\n";
            out.add("Passage: " + title + text + CUE);
        }
        return out;
    }

    /**
     * The continuation scored after each context: the question, with the space that follows the
     * cue.
     */
    public static String continuation(String question) {
        return " " + question.strip();
    }

    /**
     * The candidates by descending query likelihood alone (ties keep the retriever's order), the
     * first {@code keep} of them: {@link #reorder(List, double[], int, double)} at weight 1.
     */
    public static List<RetrievedChunk> reorder(
            List<RetrievedChunk> candidates, double[] scores, int keep) {
        return reorder(candidates, scores, keep, 1.0);
    }

    /**
     * The candidates by descending blend {@code (1 - weight) * r + weight * l}, where r is the
     * retriever's score and l the query likelihood, each min-max scaled to [0, 1] over these
     * candidates (so that neither scale's units matter); ties keep the retriever's order; the first
     * {@code keep} of them. Weight 1 orders by likelihood alone, 0 keeps the retriever's order. Why
     * a blend: the small answering model's likelihood alone ranks below the fused retrieval it
     * re-orders, while the two disagree on different questions (README, "Reranking").
     */
    public static List<RetrievedChunk> reorder(
            List<RetrievedChunk> candidates, double[] scores, int keep, double weight) {
        if (scores.length != candidates.size()) {
            throw new IllegalArgumentException(
                    scores.length + " scores for " + candidates.size() + " candidates");
        }
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("rerank weight must be in [0, 1], got " + weight);
        }
        double[] l = ScoreNormalization.MIN_MAX.normalise(scores);
        double[] r = ScoreNormalization.MIN_MAX.normalise(candidates);
        double[] blend = new double[scores.length];
        for (int i = 0; i < blend.length; i++) {
            blend[i] = (1 - weight) * r[i] + weight * l[i];
        }
        Integer[] order = new Integer[candidates.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -blend[i]));
        List<RetrievedChunk> out = new ArrayList<>();
        for (int i = 0; i < order.length && out.size() < keep; i++) {
            out.add(candidates.get(order[i]));
        }
        return out;
    }
}
