package dev.gemrag.pipeline.cli;

import dev.gemrag.connectors.milvus.FusionMethod;
import dev.gemrag.connectors.milvus.HybridFusion;
import dev.gemrag.connectors.milvus.MilvusOptions;
import dev.gemrag.connectors.milvus.ScoreNormalization;
import dev.gemrag.model.eval.BeirDataset;
import dev.gemrag.model.eval.EvalConfigs;
import dev.gemrag.model.eval.EvalResult;
import dev.gemrag.model.eval.EvalTable;
import dev.gemrag.model.fetch.ModelLocator;
import dev.gemrag.model.gem.DefaultAdapter;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import dev.gemrag.operators.chunk.Chunker;
import dev.gemrag.pipeline.config.GemragOptions;
import dev.gemrag.pipeline.eval.MilvusEval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gemrag eval}: retrieval quality and speed of several embedders on a BEIR-format set. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description =
                "Embed a BEIR set (corpus.jsonl, queries.jsonl, qrels/test.tsv) with each configuration, search "
                        + "exactly by cosine (or, for gem-milvus, bm25 and hybrid, index it into Milvus Lite through the "
                        + "product's chunker, embedder, sink and retriever), print nDCG@10, Recall@1, Recall@10, MRR@10, "
                        + "hubness@3 and texts/s.")
public final class EvalCommand implements Callable<Integer> {
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
            names = "--fusion",
            description =
                    "fusion of the hybrid row: weighted or rrf (default: retrieval.fusion's "
                            + "default)")
    String fusion =
            MilvusOptions.RETRIEVAL_FUSION.defaultValue().name().toLowerCase(java.util.Locale.ROOT);

    @Option(
            names = "--dense-weight",
            description =
                    "dense weight of the hybrid row (default: retrieval.dense-weight's "
                            + "default, ${DEFAULT-VALUE})")
    double denseWeight = MilvusOptions.RETRIEVAL_DENSE_WEIGHT.defaultValue();

    @Option(
            names = "--dense-weights",
            split = ",",
            description =
                    "tuning sweep: one weighted hybrid-w<W> row per "
                            + "weight, e.g. 0.1,0.2,0.3 (the index is built once)")
    List<Double> denseWeights = new ArrayList<>();

    @Option(
            names = "--normalizations",
            split = ",",
            description =
                    "score normalisations of the --dense-weights sweep: any of min-max, z-score, rank "
                            + "(rows hybrid-w<W>, hybrid-z<W>, hybrid-rank<W>; default: min-max)")
    List<String> normalizations = new ArrayList<>(List.of("min-max"));

    @Option(
            names = "--rerank-candidates",
            description =
                    "chunks the hybrid-rerank row's llm reranker re-orders (default: "
                            + "retrieval.rerank-candidates' default, ${DEFAULT-VALUE})")
    int rerankCandidates = GemragOptions.RETRIEVAL_RERANK_CANDIDATES.defaultValue();

    @Option(
            names = "--rerank-chunk-tokens",
            description =
                    "tokens of each chunk the reranker reads (default: "
                            + "retrieval.rerank-chunk-tokens' default, ${DEFAULT-VALUE})")
    int rerankChunkTokens = GemragOptions.RETRIEVAL_RERANK_CHUNK_TOKENS.defaultValue();

    @Option(names = "--rrf-k", description = "k of RRF (default: ${DEFAULT-VALUE})")
    int rrfK = MilvusOptions.RETRIEVAL_RRF_K.defaultValue();

    @Option(
            names = "--candidates",
            description = "candidates per leg of hybrid retrieval (default: ${DEFAULT-VALUE})")
    int candidates = MilvusOptions.RETRIEVAL_CANDIDATES.defaultValue();

    @Option(
            names = "--chunk-size",
            defaultValue = "256",
            description =
                    "chunk size in tokens for the Milvus rows, as "
                            + "chunk.size (default: ${DEFAULT-VALUE})")
    int chunkSize;

    @Option(
            names = "--chunk-overlap",
            defaultValue = "32",
            description = "chunk.overlap for the Milvus rows " + "(default: ${DEFAULT-VALUE})")
    int chunkOverlap;

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
        List<ScoreNormalization> norms = new ArrayList<>();
        try {
            for (String n : normalizations) {
                norms.add(
                        switch (n) {
                            case "min-max" -> ScoreNormalization.MIN_MAX;
                            case "z-score" -> ScoreNormalization.Z_SCORE;
                            case "rank" -> ScoreNormalization.RANK;
                            default ->
                                    throw new IllegalArgumentException(
                                            "--normalizations takes min-max, z-score or rank, got '"
                                                    + n
                                                    + "'");
                        });
            }
            if (rerankCandidates < 1 || rerankChunkTokens < 8) {
                throw new IllegalArgumentException(
                        "--rerank-candidates must be at least 1 and --rerank-chunk-tokens at least 8");
            }
            FusionMethod method =
                    switch (fusion) {
                        case "weighted" -> FusionMethod.WEIGHTED;
                        case "rrf" -> FusionMethod.RRF;
                        default ->
                                throw new IllegalArgumentException(
                                        "--fusion must be weighted or rrf, got '" + fusion + "'");
                    };
            hybrid = new HybridFusion(method, denseWeight, rrfK);
            denseWeights.forEach(w -> new HybridFusion(FusionMethod.WEIGHTED, w, rrfK));
            Chunker.validate(chunkSize, chunkOverlap);
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
                        new MilvusEval(m, chunkSize, chunkOverlap, batch, System.err::println)
                                .withRerank(rerankCandidates, rerankChunkTokens)
                                .withSweepNormalizations(norms)
                                .run(set, milvus, hybrid, denseWeights, candidates, dir));
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
