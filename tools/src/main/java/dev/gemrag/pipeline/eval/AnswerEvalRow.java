package dev.gemrag.pipeline.eval;

import dev.gemrag.pipeline.bench.Percentiles;

/**
 * The measures of one configuration over a set: the means and the per-stage latency percentiles.
 */
public final class AnswerEvalRow {
    private final String name;
    private int n;
    private int loops;
    private int goldCited;
    private int goldFirst;
    private int namesGold;
    private int dontKnow;
    private double f1;
    private double rouge;
    private long words;
    private final Percentiles embed = new Percentiles();
    private final Percentiles search = new Percentiles();
    private final Percentiles rerank = new Percentiles();
    private final Percentiles generate = new Percentiles();

    public AnswerEvalRow(String name) {
        this.name = name;
    }

    /**
     * @param goldFirst the first source of the prompt (retrieval's, or the reranker's, rank 1) is a
     *     gold document
     * @param namesGold the answer names a gold document's title ({@link AnswerMetrics#names})
     */
    public void add(
            String answer,
            boolean answered,
            boolean citesGold,
            boolean goldFirst,
            boolean namesGold,
            String gold,
            long embedMs,
            long searchMs,
            long rerankMs,
            long generateMs) {
        n++;
        this.goldFirst += goldFirst ? 1 : 0;
        this.namesGold += namesGold ? 1 : 0;
        rerank.add(rerankMs);
        loops += AnswerMetrics.loops(answer) ? 1 : 0;
        goldCited += citesGold ? 1 : 0;
        dontKnow += answered ? 0 : 1;
        f1 += AnswerMetrics.tokenF1(answer, gold);
        rouge += AnswerMetrics.rougeL(answer, gold);
        words += AnswerMetrics.tokens(answer).size();
        embed.add(embedMs);
        search.add(searchMs);
        generate.add(generateMs);
    }

    public static String header() {
        return "| config | n | loop rate | gold source cited | gold at rank 1 | names gold title | token F1 | ROUGE-L "
                + "| don't know | mean words | embed p50/p99 ms | search p50/p99 ms | rerank p50/p99 ms | generate p50/p99 ms |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    }

    public String row() {
        return String.format(
                "| %s | %d | %d/%d | %d/%d | %d/%d | %d/%d | %.3f | %.3f | %d/%d | %.1f | %s | %s | %s | %s |%n",
                name,
                n,
                loops,
                n,
                goldCited,
                n,
                goldFirst,
                n,
                namesGold,
                n,
                f1 / n,
                rouge / n,
                dontKnow,
                n,
                words / (double) n,
                pp(embed),
                pp(search),
                pp(rerank),
                pp(generate));
    }

    private static String pp(Percentiles ms) {
        return String.format("%.0f / %.0f", ms.p(50), ms.p(99));
    }
}
