package dev.gemrag.pipeline.cli;

import dev.gemrag.connectors.milvus.FusionMethod;
import dev.gemrag.connectors.milvus.HybridFusion;
import dev.gemrag.model.eval.BeirDataset;
import dev.gemrag.model.eval.EvalConfigs;
import dev.gemrag.model.eval.EvalResult;
import dev.gemrag.model.eval.EvalTable;
import dev.gemrag.model.fetch.ModelLocator;
import dev.gemrag.model.gem.DefaultAdapter;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.GemragOptions;
import dev.gemrag.pipeline.eval.MilvusEval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gemrag eval}: retrieval quality and speed of several embedders on a BEIR-format set. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description =
                "Embed a BEIR set (corpus.jsonl, queries.jsonl, qrels/test.tsv) with each configuration, search "
                        + "exactly by cosine (or, for gem-milvus, bm25 and hybrid, index it into Milvus Lite through the "
                        + "product's chunker, embedder, sink and retriever), print nDCG@10, Recall@1, Recall@10, MRR@10, "
                        + "hubness@3 and texts/s.",
        modelTransformer = EvalCommand.JobSettings.class)
public final class EvalCommand implements Callable<Integer> {
    /**
     * The job's chunking and hybrid retrieval keys the Milvus rows run with, one option each
     * ({@link JobSettingOptions}: the key's description, default, parser and bounds).
     */
    static final JobSettingOptions SETTINGS =
            new JobSettingOptions(
                    Map.entry("--fusion", GemragOptions.RETRIEVAL_FUSION),
                    Map.entry("--dense-weight", GemragOptions.RETRIEVAL_DENSE_WEIGHT),
                    Map.entry("--bm25-normalization", GemragOptions.RETRIEVAL_BM25_NORMALIZATION),
                    Map.entry("--rrf-k", GemragOptions.RETRIEVAL_RRF_K),
                    Map.entry("--candidates", GemragOptions.RETRIEVAL_CANDIDATES),
                    Map.entry("--rerank-candidates", GemragOptions.RETRIEVAL_RERANK_CANDIDATES),
                    Map.entry("--rerank-chunk-tokens", GemragOptions.RETRIEVAL_RERANK_CHUNK_TOKENS),
                    Map.entry("--rerank-weight", GemragOptions.RETRIEVAL_RERANK_WEIGHT),
                    Map.entry("--rerank-skip-margin", GemragOptions.RETRIEVAL_RERANK_SKIP_MARGIN),
                    Map.entry("--chunk-size", GemragOptions.CHUNK_SIZE),
                    Map.entry("--chunk-overlap", GemragOptions.CHUNK_OVERLAP));

    /** Declares {@link #SETTINGS} on the command (picocli calls it when building the model). */
    public static final class JobSettings implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return SETTINGS.addTo(spec);
        }
    }

    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, description = "BEIR directory, e.g. data/man-dev")
    Path data;

    @Option(
            names = "--configs",
            split = ",",
            description =
                    "any of base-last, base-mean, gem, minilm, bge-small, "
                            + "gem-milvus, bm25, hybrid, hybrid-rerank (default: all but hybrid-rerank, which costs "
                            + "~2 s a query; gem and the Milvus rows only when an adapter is found)")
    List<String> configs;

    @Option(
            names = "--dense-weights",
            split = ",",
            description =
                    "tuning sweep: one weighted hybrid-w<W> row per "
                            + "weight, e.g. 0.1,0.2,0.3 (the index is built once)")
    List<Double> denseWeights = new ArrayList<>();

    @Option(
            names = "--rerank-weights",
            split = ",",
            description =
                    "with hybrid-rerank: one hybrid-rerank-w<W> row per extra blend weight in [0, 1], "
                            + "from the same likelihood scores (the model scores each query once)")
    List<Double> rerankWeights = new ArrayList<>();

    @Option(
            names = "--normalizations",
            split = ",",
            description =
                    "score normalisations of the --dense-weights sweep: job (the dense leg min-max, "
                            + "BM25 as --bm25-normalization), or min-max, z-score, rank or max on both legs "
                            + "(rows hybrid-w<W>, hybrid-mm<W>, hybrid-z<W>, hybrid-rank<W>, hybrid-max<W>; "
                            + "default: job)")
    List<String> normalizations = new ArrayList<>(List.of("job"));

    @Option(
            names = "--work-dir",
            description =
                    "where Milvus Lite keeps the eval collection (deleted afterwards; "
                            + "default: the system temp dir)")
    Path workDir;

    @Mixin ModelAndAdapterOption model;

    @Option(
            names = "--batch",
            defaultValue = "16",
            description = "texts per forward pass (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--max-tokens",
            defaultValue = "512",
            description = "token limit per text (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(
            names = "--limit-docs",
            defaultValue = "0",
            description = "evaluate on the first N judged documents and their queries (0 = all)")
    int limitDocs;

    @Option(
            names = "--dump-candidates",
            description =
                    "with --dense-weights: write each query's dense and sparse candidate lists "
                            + "(JSON lines) to this file, for offline fusion studies")
    Path dumpCandidates;

    @Option(names = "--out", description = "also write the table (Markdown) to this file")
    Path out;

    @Override
    public Integer call() throws Exception {
        BeirDataset set = BeirDataset.read(data);
        if (limitDocs > 0) {
            set = set.subset(limitDocs);
        }
        Path adapterPath = DefaultAdapter.resolve(model.adapter()).path();
        List<String> chosen = configs;
        if (chosen == null || chosen.isEmpty()) {
            chosen = new ArrayList<>(List.of("base-last", "base-mean", "minilm", "bge-small"));
            if (adapterPath != null) {
                chosen.add(2, "gem");
                chosen.addAll(
                        MilvusEval.CONFIGS.stream()
                                .filter(c -> !c.equals("hybrid-rerank"))
                                .toList());
            }
        }
        for (String c : chosen) {
            if (!EvalConfigs.ALL.contains(c) && !MilvusEval.CONFIGS.contains(c)) {
                throw new IllegalArgumentException(
                        "unknown eval config '"
                                + c
                                + "'; choose from "
                                + String.join(", ", EvalConfigs.ALL)
                                + ", "
                                + String.join(", ", MilvusEval.CONFIGS));
            }
        }
        List<String> exact = chosen.stream().filter(EvalConfigs.ALL::contains).toList();
        List<String> milvus = chosen.stream().filter(MilvusEval.CONFIGS::contains).toList();
        if (!denseWeights.isEmpty() && milvus.isEmpty()) {
            milvus = List.of("hybrid");
        }
        if (!milvus.isEmpty() && adapterPath == null) {
            throw new IllegalArgumentException(
                    "configs "
                            + milvus
                            + " embed with the GEM adapter: pass --adapter PATH or set "
                            + "$GEMRAG_ADAPTER");
        }
        HybridFusion hybrid;
        GemragConfig settings;
        try {
            MilvusEval.checkSweepNormalizations(normalizations);
            settings = SETTINGS.config(spec);
            int rrfK = settings.get(GemragOptions.RETRIEVAL_RRF_K);
            hybrid =
                    HybridFusion.job(
                            settings.get(GemragOptions.RETRIEVAL_FUSION),
                            settings.get(GemragOptions.RETRIEVAL_DENSE_WEIGHT),
                            rrfK,
                            settings.get(GemragOptions.RETRIEVAL_BM25_NORMALIZATION));
            denseWeights.forEach(w -> new HybridFusion(FusionMethod.WEIGHTED, w, rrfK));
            // each sweep weight passes the job's own check of retrieval.rerank-weight
            for (double w : rerankWeights) {
                settings.with(
                        GemragOptions.RETRIEVAL_RERANK_WEIGHT.key(),
                        String.valueOf(w),
                        "--rerank-weights");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        System.err.printf(
                "eval on %s: %d documents, %d queries, configs %s%s%n",
                data,
                set.corpus().size(),
                set.queries().size(),
                chosen,
                denseWeights.isEmpty() ? "" : ", dense weights " + denseWeights);
        Path base = ModelLocator.resolve(model.value());
        List<EvalResult> rows =
                new ArrayList<>(
                        EvalConfigs.run(
                                set,
                                exact,
                                base,
                                adapterPath,
                                batch,
                                maxTokens,
                                System.err::println));
        if (!milvus.isEmpty()) {
            try (GemLanguageModel m = ModelRuntime.load(base, adapterPath)) {
                m.setEmbeddingMaxTokens(Math.min(maxTokens, m.embeddingSettings().maxTokens()));
                Path dir =
                        workDir != null ? workDir : Path.of(System.getProperty("java.io.tmpdir"));
                rows.addAll(
                        new MilvusEval(
                                        m,
                                        settings.get(GemragOptions.CHUNK_SIZE),
                                        settings.get(GemragOptions.CHUNK_OVERLAP),
                                        batch,
                                        System.err::println)
                                .withRerank(
                                        settings.get(GemragOptions.RETRIEVAL_RERANK_CANDIDATES),
                                        settings.get(GemragOptions.RETRIEVAL_RERANK_CHUNK_TOKENS),
                                        settings.get(GemragOptions.RETRIEVAL_RERANK_WEIGHT),
                                        settings.get(GemragOptions.RETRIEVAL_RERANK_SKIP_MARGIN),
                                        rerankWeights)
                                .withSweepNormalizations(normalizations)
                                .withCandidateDump(dumpCandidates)
                                .run(
                                        set,
                                        milvus,
                                        hybrid,
                                        denseWeights,
                                        settings.get(GemragOptions.RETRIEVAL_CANDIDATES),
                                        dir));
            }
        }
        String table = EvalTable.render(rows);
        System.out.print(table);
        if (out != null) {
            Files.writeString(out, table);
        }
        return 0;
    }
}
