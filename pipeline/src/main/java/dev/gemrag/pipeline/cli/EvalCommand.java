package dev.gemrag.pipeline.cli;

import dev.gemrag.model.eval.BeirDataset;
import dev.gemrag.model.eval.EvalConfigs;
import dev.gemrag.model.eval.EvalResult;
import dev.gemrag.model.eval.EvalTable;
import dev.gemrag.model.fetch.ModelLocator;
import dev.gemrag.model.gem.DefaultAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gemrag eval}: retrieval quality and speed of several embedders on a BEIR-format set. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Embed a BEIR set (corpus.jsonl, queries.jsonl, qrels/test.tsv) with each configuration, search "
                + "exactly by cosine, print nDCG@10, Recall@1, Recall@10, MRR@10 and texts/s.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "BEIR directory, e.g. data/man-dev")
    Path data;

    @Option(names = "--configs", split = ",", description = "any of base-last, base-mean, gem, minilm "
            + "(default: all; gem only when an adapter is found)")
    List<String> configs;

    @Mixin
    ModelOption model;

    @Mixin
    AdapterOption adapter;

    @Option(names = "--batch", defaultValue = "16", description = "texts per forward pass (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--max-tokens", defaultValue = "512", description = "token limit per text (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--limit-docs", defaultValue = "0", description = "evaluate on the first N judged documents and their queries (0 = all)")
    int limitDocs;

    @Option(names = "--out", description = "also write the table (Markdown) to this file")
    Path out;

    @Override
    public Integer call() throws Exception {
        BeirDataset set = BeirDataset.read(data);
        if (limitDocs > 0) {
            set = set.subset(limitDocs);
        }
        Path adapterPath = DefaultAdapter.resolve(adapter.value()).path();
        List<String> chosen = configs;
        if (chosen == null || chosen.isEmpty()) {
            chosen = adapterPath == null ? List.of("base-last", "base-mean", "minilm") : EvalConfigs.ALL;
        }
        System.err.printf("eval on %s: %d documents, %d queries, configs %s%n", data, set.corpus().size(),
                set.queries().size(), chosen);
        List<EvalResult> rows = EvalConfigs.run(set, chosen, ModelLocator.resolve(model.value()), adapterPath, batch, maxTokens,
                System.err::println);
        String table = EvalTable.render(rows);
        System.out.print(table);
        if (out != null) {
            Files.writeString(out, table);
        }
        return 0;
    }
}
