package dev.gemrag.pipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.milvus.FusionMethod;
import dev.gemrag.connectors.milvus.HybridFusion;
import dev.gemrag.connectors.milvus.MilvusOptions;
import dev.gemrag.model.eval.BeirDataset;
import dev.gemrag.model.eval.EvalResult;
import dev.gemrag.model.eval.EvalTable;
import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.gem.DefaultAdapter;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Milvus rows of {@code gemrag eval} on a 30-document subset of man-dev, with the real model
 * and the bundled adapter, through the product's chunker, sink writer and retriever on Milvus Lite:
 * every row is a valid ranking, BM25 finds most documents by their description's words, and hybrid
 * with the default fusion is at least the better of its two legs minus a small margin (it fails if
 * a leg is lost, the ACL filter drops everything, or the fusion inverts a leg); the reranked hybrid
 * row keeps hybrid's top-10 documents in the model's order. GEM vs base pooling: RetrievalEvalIT.
 */
class MilvusEvalIT {
    private static final Path MAN_DEV =
            Path.of(System.getProperty("gemrag.eval.data", "../data/man-dev"));

    @TempDir Path tmp;

    @Test
    void hybridHoldsUpAgainstTheBetterOfItsLegs() throws Exception {
        assertThat(Files.isDirectory(MAN_DEV))
                .as("man-dev at " + MAN_DEV.toAbsolutePath())
                .isTrue();
        BeirDataset small = BeirDataset.read(MAN_DEV).subset(30);
        Path adapter = DefaultAdapter.resolve(null).path();
        assertThat(adapter).as("bundled GEM adapter").isNotNull();
        HybridFusion fusion =
                new HybridFusion(
                        MilvusOptions.RETRIEVAL_FUSION.defaultValue(),
                        MilvusOptions.RETRIEVAL_DENSE_WEIGHT.defaultValue(),
                        MilvusOptions.RETRIEVAL_RRF_K.defaultValue());
        List<EvalResult> rows;
        Path dump = tmp.resolve("candidates.jsonl");
        try (GemLanguageModel m = ModelRuntime.load(DefaultModel.path(), adapter)) {
            m.setEmbeddingMaxTokens(Math.min(512, m.embeddingSettings().maxTokens()));
            rows =
                    new MilvusEval(m, 256, 32, 8, s -> {})
                            .withCandidateDump(dump)
                            .withRerank(8, 128, 0.5, 0.15, List.of(0.0, 1.0))
                            .run(
                                    small,
                                    MilvusEval.CONFIGS,
                                    fusion,
                                    List.of(0.0, 1.0),
                                    MilvusOptions.RETRIEVAL_CANDIDATES.defaultValue(),
                                    tmp);
        }
        System.out.println(EvalTable.render(rows));
        Map<String, EvalResult> by =
                rows.stream().collect(Collectors.toMap(EvalResult::config, Function.identity()));
        assertThat(by.keySet())
                .contains(
                        "gem-milvus",
                        "bm25",
                        "hybrid",
                        "hybrid-rerank",
                        "hybrid-rerank-w0.00",
                        "hybrid-rerank-w1.00",
                        "hybrid-rerank-auto",
                        "hybrid-rrf",
                        "hybrid-w0.00",
                        "hybrid-w1.00");
        for (EvalResult r : rows) {
            assertThat(r.queries()).isEqualTo(small.queries().size());
            assertThat(r.ndcg10()).isBetween(0.0, 1.0);
            assertThat(r.recall1()).isLessThanOrEqualTo(r.recall10());
            assertThat(r.hubness()).isBetween(1.0 / small.queries().size(), 1.0);
        }
        double dense = by.get("gem-milvus").ndcg10();
        double bm25 = by.get("bm25").ndcg10();
        assertThat(bm25).as("BM25 through Milvus' full-text search").isGreaterThan(0.6);
        assertThat(dense)
                .as("GEM through Milvus, far above random")
                .isGreaterThan(10.0 / small.corpus().size());
        assertThat(by.get("hybrid").ndcg10())
                .as("hybrid (%s) vs dense %.4f and bm25 %.4f", fusion, dense, bm25)
                .isGreaterThanOrEqualTo(Math.max(dense, bm25) - 0.03);
        // weight 1 and 0 reproduce the legs' rankings from the fused candidate lists
        assertThat(by.get("hybrid-w1.00").ndcg10())
                .isCloseTo(dense, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(by.get("hybrid-w0.00").ndcg10())
                .isCloseTo(bm25, org.assertj.core.api.Assertions.within(0.02));
        assertThat(fusion.method()).isEqualTo(FusionMethod.WEIGHTED);
        // the candidate dump holds the sweep's lists: one line per query, in query order, a
        // dense list for each (a query sharing no word with the subset has no BM25 hits)
        List<String> dumped = Files.readAllLines(dump);
        assertThat(dumped).hasSize(small.queries().size());
        int withSparse = 0;
        for (int i = 0; i < dumped.size(); i++) {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dumped.get(i));
            assertThat(node.get("query").asText()).isEqualTo(small.queries().get(i).id());
            assertThat(node.get("dense")).isNotEmpty();
            withSparse += node.get("sparse").isEmpty() ? 0 : 1;
        }
        assertThat(withSparse).isGreaterThan(dumped.size() / 2);
        // the reranker re-orders the best 8 chunks of the same hybrid list: the top-10 documents
        // stay (Recall@10 equal), their order is the model's (a changed MRR shows it ran)
        EvalResult hybrid = by.get("hybrid");
        for (String row : List.of("hybrid-rerank", "hybrid-rerank-w1.00", "hybrid-rerank-auto")) {
            assertThat(by.get(row).recall10())
                    .as(row)
                    .isCloseTo(hybrid.recall10(), org.assertj.core.api.Assertions.within(1e-9));
        }
        assertThat(by.get("hybrid-rerank-w1.00").mrr10()).isNotEqualTo(hybrid.mrr10());
        // blend weight 0 is the retriever's order exactly; the default blend is not likelihood
        // alone
        assertThat(by.get("hybrid-rerank-w0.00").ndcg10())
                .isCloseTo(hybrid.ndcg10(), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(by.get("hybrid-rerank").mrr10())
                .isNotEqualTo(by.get("hybrid-rerank-w1.00").mrr10());
    }
}
