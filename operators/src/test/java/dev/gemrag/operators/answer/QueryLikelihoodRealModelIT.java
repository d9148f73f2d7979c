package dev.gemrag.operators.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.model.engine.BatchingEngine;
import dev.gemrag.model.engine.EngineOptions;
import dev.gemrag.model.engine.EngineRegistry;
import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The query-likelihood reranker on the real default model and the demo's man pages: for a question
 * whose answering page the hybrid retriever ranked below another page (README "Answers"), the
 * model's likelihood of the question puts the answering page first; scoring through the batching
 * engine gives what the model gives directly.
 */
class QueryLikelihoodRealModelIT {
    private static final String KEY = "QueryLikelihoodRealModelIT";
    private static EngineRegistry.Lease lease;
    private static GemLanguageModel model;
    private static Map<String, JsonNode> pages;

    @BeforeAll
    static void load() throws Exception {
        lease =
                EngineRegistry.shared()
                        .acquire(
                                KEY,
                                () -> {
                                    model = ModelRuntime.load(DefaultModel.path(), null);
                                    return model;
                                },
                                EngineOptions.defaults());
        pages = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line :
                Files.readAllLines(Path.of("..", "data", "samples-dev", "corpus.jsonl"))) {
            JsonNode n = json.readTree(line);
            pages.put(n.get("_id").asText(), n);
        }
    }

    @AfterAll
    static void release() {
        lease.close();
    }

    private static RetrievedChunk page(String id, float score) {
        JsonNode n = pages.get(id);
        return new RetrievedChunk(
                id + "#0", id, n.get("title").asText(), n.get("text").asText(), score);
    }

    /**
     * The hybrid retriever's top pages for a question (eval-answers on samples-dev), the answering
     * page not first.
     */
    private static List<RetrievedChunk> retrieved(String... ids) {
        List<RetrievedChunk> out = new java.util.ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            out.add(page(ids[i], 0.9f - 0.1f * i));
        }
        return out;
    }

    @Test
    void theAnsweringPageMovesToRankOne() throws Exception {
        assertThat(
                        rerankedFirst(
                                "How do I show the last lines of a file?",
                                retrieved("cat.1", "shred.1", "tail.1")))
                .isEqualTo("tail.1");
        assertThat(
                        rerankedFirst(
                                "How can I get a snapshot of the processes running right now?",
                                retrieved("uptime.1", "top.1", "ps.1")))
                .isEqualTo("ps.1");
    }

    private static String rerankedFirst(String question, List<RetrievedChunk> retrieved)
            throws Exception {
        List<String> contexts = QueryLikelihood.contexts(retrieved, model.tokenizer(), 128);
        BatchingEngine engine = lease.engine();
        double[] viaEngine =
                engine.score(contexts, QueryLikelihood.continuation(question))
                        .get(5, TimeUnit.MINUTES);
        // the engine path is the model's own scoring (the engine is idle now: a direct call is
        // safe)
        double[] direct =
                model.continuationLogProb(contexts, QueryLikelihood.continuation(question));
        for (int i = 0; i < direct.length; i++) {
            assertThat(viaEngine[i]).isCloseTo(direct[i], within(1e-4));
            assertThat(direct[i])
                    .isNegative()
                    .isGreaterThan(-20); // a mean log-probability per token
        }
        return QueryLikelihood.reorder(retrieved, viaEngine, retrieved.size()).get(0).docId();
    }
}
