package dev.gemrag.model.eval;

/**
 * One row of the evaluation table.
 *
 * @param textsPerSecond corpus + queries embedded per second of wall time
 */
public record EvalResult(String config, int queries, int docs, double ndcg10, double recall1, double recall10,
        double mrr10, double textsPerSecond) {
}
