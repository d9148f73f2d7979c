package dev.gemrag.model.eval;

import java.util.List;
import java.util.Locale;

/** Renders evaluation rows as a Markdown table plus the GEM ratios the README quotes. */
public final class EvalTable {
    private EvalTable() {}

    public static String render(List<EvalResult> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| config | nDCG@10 | Recall@1 | Recall@10 | MRR@10 | hubness@3 | texts/s |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (EvalResult r : rows) {
            String speed =
                    Double.isNaN(r.textsPerSecond())
                            ? "-"
                            : String.format(Locale.ROOT, "%.1f", r.textsPerSecond());
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %.4f | %.4f | %.4f | %.4f | %.3f | %s |%n",
                            r.config(),
                            r.ndcg10(),
                            r.recall1(),
                            r.recall10(),
                            r.mrr10(),
                            r.hubness(),
                            speed));
        }
        EvalResult gem = find(rows, "gem");
        EvalResult bestBase =
                rows.stream()
                        .filter(r -> r.config().startsWith("base-"))
                        .max((a, b) -> Double.compare(a.ndcg10(), b.ndcg10()))
                        .orElse(null);
        EvalResult minilm = find(rows, "minilm");
        if (gem != null && bestBase != null) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "gem / best base pooling (%s), nDCG@10: %s%n",
                            bestBase.config(),
                            ratio(gem.ndcg10(), bestBase.ndcg10())));
        }
        if (gem != null && minilm != null) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "gem / minilm, nDCG@10: %s; texts/s: %s%n",
                            ratio(gem.ndcg10(), minilm.ndcg10()),
                            ratio(gem.textsPerSecond(), minilm.textsPerSecond())));
        }
        EvalResult hybrid = find(rows, "hybrid");
        if (hybrid != null && minilm != null) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "hybrid / minilm, nDCG@10: %s%n",
                            ratio(hybrid.ndcg10(), minilm.ndcg10())));
        }
        sb.append(
                "hubness@3: share of queries whose top 3 holds the most frequent top-3 document\n");
        return sb.toString();
    }

    private static EvalResult find(List<EvalResult> rows, String name) {
        return rows.stream().filter(r -> r.config().equals(name)).findFirst().orElse(null);
    }

    private static String ratio(double a, double b) {
        return b == 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", a / b);
    }
}
