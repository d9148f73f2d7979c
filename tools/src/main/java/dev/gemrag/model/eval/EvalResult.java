package dev.gemrag.model.eval;

/**
 * One row of the evaluation table.
 *
 * @param textsPerSecond corpus + queries embedded per second of wall time (NaN: the row embeds
 *     nothing)
 * @param hubness share of queries whose top 3 holds the most frequent top-3 document ({@link
 *     Hubness})
 */
public record EvalResult(
        String config,
        int queries,
        int docs,
        double ndcg10,
        double recall1,
        double recall10,
        double mrr10,
        double textsPerSecond,
        double hubness) {}
