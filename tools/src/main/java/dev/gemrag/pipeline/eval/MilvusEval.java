package dev.gemrag.pipeline.eval;

import dev.gemrag.connectors.local.milvus.MilvusLite;
import dev.gemrag.connectors.milvus.CollectionSpec;
import dev.gemrag.connectors.milvus.FieldOverflow;
import dev.gemrag.connectors.milvus.FusionMethod;
import dev.gemrag.connectors.milvus.HybridFusion;
import dev.gemrag.connectors.milvus.MilvusConnection;
import dev.gemrag.connectors.milvus.MilvusRetriever;
import dev.gemrag.connectors.milvus.MilvusSink;
import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.connectors.milvus.ScoreNormalization;
import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.Document;
import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.IndexAction;
import dev.gemrag.connectors.records.RetrievalMode;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.LanguageModel;
import dev.gemrag.model.eval.BeirDataset;
import dev.gemrag.model.eval.EvalResult;
import dev.gemrag.model.eval.RankingScores;
import dev.gemrag.operators.answer.QueryLikelihood;
import dev.gemrag.operators.answer.RetrievalLead;
import dev.gemrag.operators.answer.Retriever;
import dev.gemrag.operators.chunk.Chunker;
import dev.gemrag.operators.chunk.DocumentChunker;
import dev.gemrag.operators.embed.EmbedText;
import dev.gemrag.pipeline.config.GemragOptions;
import dev.gemrag.pipeline.job.MilvusRetrievers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * Retrieval quality through the product's own path: the set's documents are chunked by the
 * pipeline's chunker (model tokenizer), embedded as the embed step embeds chunks ({@link
 * EmbedText}, DOCUMENT role), written into Milvus Lite by the sink's writer (full-text layout: the
 * server computes BM25), and every query goes through the answer step's {@link Retriever} ({@link
 * MilvusRetrievers} over {@link MilvusRetriever}) with the question text and its QUERY embedding,
 * under an ACL filter. Documents are ranked by their best chunk.
 *
 * <p>Rows: {@code gem-milvus} (dense), {@code bm25} (sparse), {@code hybrid} (the given fusion),
 * {@code hybrid-rerank} (hybrid, then the answer step's same-model reranker, {@link
 * QueryLikelihood}, re-orders the best {@code rerankCandidates} chunks, as {@code retrieval.rerank:
 * llm} does before a prompt) and one {@code hybrid-w<weight>} row per extra dense weight with the
 * job's normalisations (and per extra normalisation on both legs: {@code hybrid-mm<weight>}
 * min-max, {@code hybrid-z<weight>} z-score, {@code hybrid-rank<weight>} rank, {@code
 * hybrid-max<weight>} max) plus a {@code hybrid-rrf} row (the tuning sweep: one dense and one
 * sparse search per query, fused for every row; see {@link #sweep}).
 */
public final class MilvusEval {
    public static final List<String> CONFIGS =
            List.of("gem-milvus", "bm25", "hybrid", "hybrid-rerank");
    private static final String GROUP = "eval";

    /**
     * Chunks asked per query: enough to rank 10 distinct documents when documents have several
     * chunks.
     */
    private static final int CHUNKS_PER_QUERY = 40;

    private final LanguageModel model;
    private final int chunkSize;
    private final int chunkOverlap;
    private final int batchSize;
    private final Consumer<String> log;
    private int rerankCandidates = GemragOptions.RETRIEVAL_RERANK_CANDIDATES.defaultValue();
    private int rerankChunkTokens = GemragOptions.RETRIEVAL_RERANK_CHUNK_TOKENS.defaultValue();
    private double rerankWeight = GemragOptions.RETRIEVAL_RERANK_WEIGHT.defaultValue();
    private List<Double> rerankSweep = List.of();
    private double rerankSkipMargin = GemragOptions.RETRIEVAL_RERANK_SKIP_MARGIN.defaultValue();
    private List<String> sweepNormalizations = List.of(JOB_NORMALIZATION);
    private Path candidateDump;

    /**
     * @param model the product model (its adapter, its embedding token limit)
     */
    public MilvusEval(
            LanguageModel model,
            int chunkSize,
            int chunkOverlap,
            int batchSize,
            Consumer<String> log) {
        this.model = model;
        this.chunkSize = chunkSize;
        this.chunkOverlap = chunkOverlap;
        this.batchSize = batchSize;
        this.log = log;
    }

    /**
     * The {@code hybrid-rerank} row's reranker settings (default: retrieval.rerank-candidates,
     * retrieval.rerank-chunk-tokens, retrieval.rerank-weight and retrieval.rerank-skip-margin's
     * defaults), and the extra blend weights of its sweep: one {@code hybrid-rerank-w<weight>} row
     * each, from the same scores. The margin makes the {@code hybrid-rerank-auto} row (rerank:
     * auto, the job's default) from the same scores too.
     */
    public MilvusEval withRerank(
            int candidates,
            int chunkTokens,
            double weight,
            double skipMargin,
            List<Double> sweepWeights) {
        this.rerankCandidates = candidates;
        this.rerankSkipMargin = skipMargin;
        this.rerankChunkTokens = chunkTokens;
        this.rerankWeight = weight;
        this.rerankSweep = List.copyOf(sweepWeights);
        return this;
    }

    /** The sweep normalisation that is the job's: the dense leg min-max, BM25 as configured. */
    public static final String JOB_NORMALIZATION = "job";

    /**
     * The normalisations of the weighted sweep rows: {@link #JOB_NORMALIZATION} (the default; rows
     * {@code hybrid-w<W>}) or a {@link ScoreNormalization} wire name applied to both legs.
     */
    public MilvusEval withSweepNormalizations(List<String> normalizations) {
        this.sweepNormalizations = checkSweepNormalizations(normalizations);
        return this;
    }

    /**
     * {@code normalizations}, each {@link #JOB_NORMALIZATION} or a {@link ScoreNormalization} wire
     * name; a one-line error naming the choices otherwise.
     */
    public static List<String> checkSweepNormalizations(List<String> normalizations) {
        normalizations.stream()
                .filter(n -> !n.equals(JOB_NORMALIZATION))
                .forEach(ScoreNormalization::of);
        return List.copyOf(normalizations);
    }

    /**
     * Also writes the sweep's two candidate lists of every query (JSON lines: query id, then chunk
     * id, doc id and score of each dense and each sparse hit, in the retriever's order) to this
     * file, so that fusions can be studied offline on the exact lists the product fetched.
     */
    public MilvusEval withCandidateDump(Path file) {
        this.candidateDump = file;
        return this;
    }

    /**
     * @param configs any of {@link #CONFIGS}
     * @param fusion the fusion of the {@code hybrid} row
     * @param sweepWeights extra dense weights: one weighted {@code hybrid-w...} row each
     * @param candidates candidates per leg (retrieval.candidates)
     */
    public List<EvalResult> run(
            BeirDataset data,
            List<String> configs,
            HybridFusion fusion,
            List<Double> sweepWeights,
            int candidates,
            Path workDir)
            throws IOException {
        for (String c : configs) {
            if (!CONFIGS.contains(c)) {
                throw new IllegalArgumentException(
                        "unknown Milvus eval config '" + c + "'; choose from " + CONFIGS);
            }
        }
        Files.createDirectories(workDir);
        Path dir = Files.createTempDirectory(workDir, "milvus-eval-");
        try (MilvusLite milvus = MilvusLite.start(dir)) {
            CollectionSpec spec =
                    CollectionSpec.builder(model.id(), model.embeddingDimension())
                            .alias("gemrag_eval")
                            .prefix("gemrag_eval")
                            .build();
            double indexTextsPerSecond = index(data, spec, milvus.uri());
            log.accept("embedding " + data.queries().size() + " queries (QUERY role)...");
            long t0 = System.nanoTime();
            List<float[]> queryVectors =
                    embedSorted(
                            data.queries().stream().map(BeirDataset.Query::text).toList(),
                            EmbedRole.QUERY);
            double querySeconds = (System.nanoTime() - t0) / 1e9;
            List<EvalResult> out = new ArrayList<>();
            List<EvalResult> sweepRows = new ArrayList<>();
            // the sweep first: it costs two searches a query, the reranked row seconds a query
            if (!sweepWeights.isEmpty()) {
                sweepRows.addAll(
                        sweep(
                                data,
                                queryVectors,
                                spec,
                                milvus.uri(),
                                fusion,
                                sweepWeights,
                                candidates,
                                indexTextsPerSecond));
            }
            for (String c : configs) {
                RetrievalMode mode =
                        switch (c) {
                            case "gem-milvus" -> RetrievalMode.DENSE;
                            case "bm25" -> RetrievalMode.SPARSE;
                            default -> RetrievalMode.HYBRID;
                        };
                out.addAll(
                        rank(
                                data,
                                queryVectors,
                                spec,
                                milvus.uri(),
                                c,
                                mode,
                                fusion,
                                candidates,
                                c.equals("hybrid-rerank"),
                                mode == RetrievalMode.SPARSE ? Double.NaN : indexTextsPerSecond));
            }
            out.addAll(sweepRows);
            log.accept(
                    String.format(
                            Locale.ROOT,
                            "  queries embedded at %.1f texts/s",
                            data.queries().size() / querySeconds));
            return out;
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * Chunks, embeds and writes every document through the sink's writer; returns chunk texts/s of
     * the embedding.
     */
    private double index(BeirDataset data, CollectionSpec spec, String uri) throws IOException {
        DocumentChunker chunker =
                new DocumentChunker(new Chunker(model.tokenizer(), chunkSize, chunkOverlap));
        List<IndexAction> docs = new ArrayList<>(data.corpus().size());
        List<Chunk> all = new ArrayList<>();
        for (BeirDataset.Doc d : data.corpus()) {
            IndexAction dc =
                    chunker.chunk(
                            DocumentEvent.upsert(
                                    new Document(
                                            d.id(),
                                            1,
                                            d.title(),
                                            d.text(),
                                            null,
                                            new String[] {GROUP},
                                            null)));
            docs.add(dc);
            all.addAll(dc.chunks);
        }
        log.accept(
                "embedding "
                        + all.size()
                        + " chunks of "
                        + docs.size()
                        + " documents with "
                        + model.id()
                        + " (DOCUMENT role, chunk "
                        + chunkSize
                        + "/"
                        + chunkOverlap
                        + " tokens)...");
        long t0 = System.nanoTime();
        List<float[]> vectors =
                embedSorted(all.stream().map(EmbedText::of).toList(), EmbedRole.DOCUMENT);
        double seconds = (System.nanoTime() - t0) / 1e9;
        MilvusSink sink =
                MilvusSink.builder()
                        .setConnection(MilvusConnection.of(uri))
                        .setCollection(spec)
                        .setBatchMaxRows(1000)
                        .setBatchMaxInterval(Duration.ofSeconds(1))
                        .setRetries(4, Duration.ofMillis(200), Duration.ofSeconds(5))
                        .setFieldOverflow(FieldOverflow.TRUNCATE)
                        .build();
        int next = 0;
        try (SinkWriter<IndexAction> w = sink.createStandaloneWriter()) {
            for (IndexAction dc : docs) {
                List<Chunk> embedded = new ArrayList<>(dc.chunks.size());
                for (Chunk c : dc.chunks) {
                    embedded.add(c.withEmbedding(vectors.get(next++)));
                }
                w.write(IndexAction.upsert(dc.docId, dc.docVersion, model.id(), embedded), null);
            }
            w.flush(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the eval collection", e);
        } catch (Exception e) {
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        log.accept(
                String.format(
                        Locale.ROOT,
                        "  %d chunks embedded in %.0f s (%.1f texts/s) and written to Milvus Lite",
                        all.size(),
                        seconds,
                        all.size() / seconds));
        return all.size() / seconds;
    }

    private List<EvalResult> rank(
            BeirDataset data,
            List<float[]> queryVectors,
            CollectionSpec spec,
            String uri,
            String name,
            RetrievalMode mode,
            HybridFusion fusion,
            int candidates,
            boolean rerank,
            double textsPerSecond) {
        MilvusRetriever prototype =
                MilvusRetriever.builder()
                        .setConnection(MilvusConnection.of(uri))
                        .setModelId(spec.modelId())
                        .setAlias(spec.alias())
                        .setRetrievalMode(mode)
                        .setFusion(fusion)
                        .setCandidates(Math.max(candidates, CHUNKS_PER_QUERY))
                        .build();
        List<Double> weights = new ArrayList<>();
        weights.add(rerankWeight);
        if (rerank) {
            rerankSweep.stream().filter(w -> w != rerankWeight).forEach(weights::add);
        }
        List<List<List<String>>> ranked = new ArrayList<>();
        weights.forEach(w -> ranked.add(new ArrayList<>(data.queries().size())));
        List<List<String>> auto = new ArrayList<>(data.queries().size());
        int autoReranked = 0;
        long start = System.nanoTime();
        long last = start;
        try (Retriever retriever =
                new MilvusRetrievers(prototype).open(spec.modelId(), spec.dimension())) {
            for (int i = 0; i < data.queries().size(); i++) {
                // null mode: the retriever's configured retrieval.mode, as for a question without
                // retrieval_mode
                List<RetrievedChunk> hits =
                        retriever.search(
                                data.queries().get(i).text(),
                                queryVectors.get(i),
                                null,
                                CHUNKS_PER_QUERY,
                                List.of(GROUP));
                if (!rerank) {
                    ranked.get(0).add(documents(hits));
                    continue;
                }
                int n = Math.min(rerankCandidates, hits.size());
                double[] scores = n < 2 ? null : likelihoods(data.queries().get(i).text(), hits, n);
                for (int w = 0; w < weights.size(); w++) {
                    ranked.get(w).add(documents(reranked(hits, n, scores, weights.get(w))));
                }
                // rerank auto: the answer step's skip rule on the same hits
                boolean clear = RetrievalLead.of(hits) >= rerankSkipMargin;
                auto.add(clear ? documents(hits) : ranked.get(0).get(i));
                autoReranked += clear ? 0 : 1;
                if (System.nanoTime() - last > 30_000_000_000L) {
                    last = System.nanoTime();
                    log.accept(
                            String.format(
                                    Locale.ROOT,
                                    "  reranked %d/%d queries (%.1f s a query)",
                                    i + 1,
                                    data.queries().size(),
                                    (last - start) / 1e9 / (i + 1)));
                }
            }
        }
        double perQuery = (System.nanoTime() - start) / 1e9 / data.queries().size();
        List<EvalResult> rows = new ArrayList<>();
        for (int w = 0; w < weights.size(); w++) {
            String rowName =
                    w == 0 ? name : String.format(Locale.ROOT, "%s-w%.2f", name, weights.get(w));
            rows.add(
                    row(
                            rowName,
                            data,
                            ranked.get(w),
                            mode,
                            fusion,
                            rerank,
                            weights.get(w),
                            textsPerSecond,
                            perQuery));
        }
        if (rerank) {
            log.accept(
                    String.format(
                            Locale.ROOT,
                            "  %s-auto: reranked %d of %d queries (the others' first document led"
                                    + " by >= %s)",
                            name,
                            autoReranked,
                            data.queries().size(),
                            rerankSkipMargin));
            rows.add(
                    row(
                            name + "-auto",
                            data,
                            auto,
                            mode,
                            fusion,
                            true,
                            rerankWeight,
                            textsPerSecond,
                            perQuery));
        }
        return rows;
    }

    /** The documents of {@code hits} in the order of their best chunk. */
    private static List<String> documents(List<RetrievedChunk> hits) {
        Set<String> docs = new LinkedHashSet<>();
        for (RetrievedChunk h : hits) {
            docs.add(h.docId());
        }
        return new ArrayList<>(docs);
    }

    private EvalResult row(
            String name,
            BeirDataset data,
            List<List<String>> ranked,
            RetrievalMode mode,
            HybridFusion fusion,
            boolean rerank,
            double weight,
            double textsPerSecond,
            double secondsPerQuery) {
        EvalResult r = RankingScores.row(name, data, ranked, textsPerSecond);
        log.accept(
                String.format(
                        Locale.ROOT,
                        "  %s (%s%s%s): nDCG@10 %.4f%s",
                        name,
                        mode.wireName(),
                        mode == RetrievalMode.HYBRID ? ", " + fusion : "",
                        rerank
                                ? ", llm rerank of the best "
                                        + rerankCandidates
                                        + " chunks ("
                                        + rerankChunkTokens
                                        + " tokens each, weight "
                                        + weight
                                        + ")"
                                : "",
                        r.ndcg10(),
                        rerank
                                ? String.format(Locale.ROOT, ", %.1f s a query", secondsPerQuery)
                                : ""));
        return r;
    }

    /**
     * The same model's likelihood of the question after each of the best {@code n} chunks' {@link
     * QueryLikelihood} contexts: what {@code retrieval.rerank: llm} scores before a prompt.
     */
    private double[] likelihoods(String question, List<RetrievedChunk> hits, int n) {
        return model.continuationLogProb(
                QueryLikelihood.contexts(hits.subList(0, n), model.tokenizer(), rerankChunkTokens),
                QueryLikelihood.continuation(question));
    }

    /**
     * The best {@code n} chunks re-ordered by the blend of their retrieval score and {@code scores}
     * at {@code weight}, as the answer step does; the chunks below them keep the retriever's order
     * (they rank the documents after the reranked ones). Null scores: the hits as they are.
     */
    private static List<RetrievedChunk> reranked(
            List<RetrievedChunk> hits, int n, double[] scores, double weight) {
        if (scores == null) {
            return hits;
        }
        List<RetrievedChunk> out =
                new ArrayList<>(QueryLikelihood.reorder(hits.subList(0, n), scores, n, weight));
        out.addAll(hits.subList(n, hits.size()));
        return out;
    }

    /**
     * The tuning sweep: each query's two candidate lists are fetched once through the retriever
     * (dense and sparse mode, {@code candidates} deep, as hybrid mode fetches them) and fused by
     * {@link HybridFusion} for every weight, plus RRF: the same arithmetic as hybrid mode, one pair
     * of searches for all rows.
     */
    private List<EvalResult> sweep(
            BeirDataset data,
            List<float[]> queryVectors,
            CollectionSpec spec,
            String uri,
            HybridFusion fusion,
            List<Double> weights,
            int candidates,
            double textsPerSecond)
            throws IOException {
        List<HybridFusion> fusions = new ArrayList<>();
        List<String> names = new ArrayList<>();
        fusions.add(new HybridFusion(FusionMethod.RRF, fusion.denseWeight(), fusion.rrfK()));
        names.add("hybrid-rrf");
        for (String norm : sweepNormalizations) {
            boolean job = norm.equals(JOB_NORMALIZATION);
            ScoreNormalization n = job ? null : ScoreNormalization.of(norm);
            String prefix =
                    job
                            ? "hybrid-w"
                            : switch (n) {
                                case MIN_MAX -> "hybrid-mm";
                                case Z_SCORE -> "hybrid-z";
                                case RANK -> "hybrid-rank";
                                case MAX -> "hybrid-max";
                            };
            for (double w : weights) {
                fusions.add(
                        job
                                ? HybridFusion.job(
                                        FusionMethod.WEIGHTED,
                                        w,
                                        fusion.rrfK(),
                                        fusion.sparseNormalization())
                                : new HybridFusion(FusionMethod.WEIGHTED, w, fusion.rrfK(), n));
                names.add(String.format(Locale.ROOT, "%s%.2f", prefix, w));
            }
        }
        int depth = Math.max(candidates, CHUNKS_PER_QUERY);
        MilvusRetriever prototype =
                MilvusRetriever.builder()
                        .setConnection(MilvusConnection.of(uri))
                        .setModelId(spec.modelId())
                        .setAlias(spec.alias())
                        .build();
        List<List<List<String>>> ranked = new ArrayList<>();
        fusions.forEach(f -> ranked.add(new ArrayList<>()));
        try (Retriever retriever =
                        new MilvusRetrievers(prototype).open(spec.modelId(), spec.dimension());
                CandidateDump dump = CandidateDump.open(candidateDump)) {
            for (int i = 0; i < data.queries().size(); i++) {
                String text = data.queries().get(i).text();
                List<RetrievedChunk> dense =
                        retriever.search(
                                text,
                                queryVectors.get(i),
                                RetrievalMode.DENSE,
                                depth,
                                List.of(GROUP));
                List<RetrievedChunk> sparse =
                        retriever.search(
                                text,
                                queryVectors.get(i),
                                RetrievalMode.SPARSE,
                                depth,
                                List.of(GROUP));
                dump.write(data.queries().get(i).id(), dense, sparse);
                for (int f = 0; f < fusions.size(); f++) {
                    Set<String> docs = new LinkedHashSet<>();
                    fusions.get(f)
                            .fuse(dense, sparse, CHUNKS_PER_QUERY)
                            .forEach(h -> docs.add(h.docId()));
                    ranked.get(f).add(new ArrayList<>(docs));
                }
            }
        }
        List<EvalResult> out = new ArrayList<>();
        for (int f = 0; f < fusions.size(); f++) {
            EvalResult r = RankingScores.row(names.get(f), data, ranked.get(f), textsPerSecond);
            log.accept(
                    String.format(
                            Locale.ROOT,
                            "  %s (hybrid, %s): nDCG@10 %.4f",
                            names.get(f),
                            fusions.get(f),
                            r.ndcg10()));
            out.add(r);
        }
        return out;
    }

    /** Embeds in batches of similar length (less padding); vectors in input order. */
    private List<float[]> embedSorted(List<String> texts, EmbedRole role) {
        Integer[] order = new Integer[texts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
        float[][] out = new float[texts.size()][];
        long last = System.nanoTime();
        for (int i = 0; i < order.length; i += batchSize) {
            List<String> batch = new ArrayList<>();
            for (int j = i; j < Math.min(order.length, i + batchSize); j++) {
                batch.add(texts.get(order[j]));
            }
            List<float[]> vs = model.embed(batch, role);
            for (int j = 0; j < vs.size(); j++) {
                out[order[i + j]] = vs.get(j);
            }
            if (System.nanoTime() - last > 15_000_000_000L) {
                last = System.nanoTime();
                log.accept("  " + Math.min(order.length, i + batchSize) + "/" + texts.size());
            }
        }
        return Arrays.asList(out);
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
