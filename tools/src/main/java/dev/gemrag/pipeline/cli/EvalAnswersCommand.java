package dev.gemrag.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.connectors.milvus.StoredChunks;
import dev.gemrag.model.eval.BeirDataset;
import dev.gemrag.pipeline.client.AnswerReply;
import dev.gemrag.pipeline.client.QuestionClient;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.GemragOptions;
import dev.gemrag.pipeline.demo.Demo;
import dev.gemrag.pipeline.demo.EmbeddedStack;
import dev.gemrag.pipeline.eval.AnswerEvalRow;
import dev.gemrag.pipeline.eval.AnswerEvalSet;
import dev.gemrag.pipeline.eval.AnswerMetrics;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gemrag eval-answers --data DIR}: the product's answer path measured on a BEIR set with
 * gold answers. Starts the embedded stack (as the demo does), indexes the corpus through the
 * documents topic and the job's Milvus sink, asks every question on the questions topic and reads
 * the answer record, then prints one table row per variant.
 */
@Command(
        name = "eval-answers",
        mixinStandardHelpOptions = true,
        description = {
            "Answer quality on a BEIR set plus answers.jsonl: loop rate, gold source cited, token F1, ROUGE-L,",
            "don't-know rate, mean answer length, latency p50/p99 of embed, search and generate.",
            "Runs the demo's local stack (Kafka, Milvus Lite, Flink MiniCluster) with the demo's settings."
        })
public final class EvalAnswersCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin ConfigMixin config;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "BEIR directory with answers.jsonl, e.g. data/samples-dev")
    Path data;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description = "Milvus data. Default: ~/.cache/gemrag/eval-answers")
    Path workDir = Path.of(System.getProperty("user.home"), ".cache", "gemrag", "eval-answers");

    @Option(
            names = "--reuse-index",
            description =
                    "Keep the index in --work-dir when it already holds every document of the set.")
    boolean reuseIndex;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "0",
            description = "Ask only the first N questions (0 = all).")
    int limit;

    @Option(
            names = "--variant",
            paramLabel = "NAME:field=v,...",
            description = {
                "A row with per-question sampling overrides (questions-topic fields, e.g. "
                        + "'rep1.3:repetition_penalty=1.3,dry_multiplier=0'); repeatable. Without it: one row 'configured'."
            })
    List<String> variants = new ArrayList<>();

    @Option(
            names = "--answers-out",
            paramLabel = "FILE",
            description = "Also write every answer (JSON lines) here.")
    Path answersOut;

    @Override
    public Integer call() throws Exception {
        AnswerEvalSet set = AnswerEvalSet.read(data);
        Map<String, Map<String, String>> rows = parseVariants(variants);
        GemragConfig c = DemoCommand.demoDefaults(config.load());
        Files.createDirectories(workDir);
        if (!reuseIndex) {
            DemoCommand.deleteTree(workDir.resolve("milvus"));
        }
        List<BeirDataset.Query> queries = set.beir().queries();
        if (limit > 0 && limit < queries.size()) {
            queries = queries.subList(0, limit);
        }
        System.err.printf(
                "eval-answers on %s: %d documents, %d questions, %d row(s)%n",
                data, set.beir().corpus().size(), queries.size(), rows.size());
        StringBuilder table = new StringBuilder(AnswerEvalRow.header());
        Map<String, String> titles = new java.util.HashMap<>();
        set.beir().corpus().forEach(d -> titles.put(d.id(), d.title()));
        try (EmbeddedStack stack =
                        EmbeddedStack.start(workDir, c, s -> System.err.println("  " + s));
                BufferedWriter out =
                        answersOut == null ? null : Files.newBufferedWriter(answersOut)) {
            index(stack, set);
            try (QuestionClient client = new QuestionClient(stack.config())) {
                for (Map.Entry<String, Map<String, String>> variant : rows.entrySet()) {
                    AnswerEvalRow row = new AnswerEvalRow(variant.getKey());
                    for (BeirDataset.Query q : queries) {
                        String id =
                                client.send(
                                        q.id() + "-" + System.nanoTime(),
                                        q.text(),
                                        List.of(),
                                        null,
                                        null,
                                        variant.getValue());
                        AnswerReply a = client.await(id, Duration.ofMinutes(11));
                        Map<String, Integer> relevant = set.beir().qrels().get(q.id());
                        boolean gold = a.citedDocs().stream().anyMatch(relevant::containsKey);
                        boolean first =
                                !a.sourceDocs().isEmpty()
                                        && relevant.containsKey(a.sourceDocs().get(0));
                        boolean names =
                                relevant.keySet().stream()
                                        .anyMatch(
                                                d ->
                                                        AnswerMetrics.names(
                                                                a.answer(), titles.get(d)));
                        row.add(
                                a.answer(),
                                a.answered(),
                                gold,
                                first,
                                names,
                                set.goldAnswers().get(q.id()),
                                a.timingsMs().getOrDefault("embed", 0L),
                                a.timingsMs().getOrDefault("search", 0L),
                                a.timingsMs().getOrDefault("rerank", 0L),
                                a.timingsMs().getOrDefault("generate", 0L));
                        System.err.printf(
                                "  [%s] %s -> %s %s%n",
                                variant.getKey(),
                                q.id(),
                                a.answer().replace('\n', ' '),
                                a.citedDocs());
                        if (out != null) {
                            ObjectNode o = JSON.createObjectNode();
                            o.put("variant", variant.getKey())
                                    .put("query_id", q.id())
                                    .put("question", q.text())
                                    .put("answer", a.answer())
                                    .put("answered", a.answered())
                                    .put("gold_cited", gold)
                                    .put("gold_first", first)
                                    .put("names_gold", names);
                            a.timingsMs().forEach(o.putObject("timings_ms")::put);
                            a.citedDocs().forEach(o.putArray("cited")::add);
                            a.sources().forEach(src -> o.withArray("sources").add(src.chunkId()));
                            // the fused retrieval scores of the prompt's chunks (how far ahead
                            // rank 1 was: the reranker's skip margin is read from these)
                            a.sources()
                                    .forEach(src -> o.withArray("source_scores").add(src.score()));
                            out.write(o.toString());
                            out.newLine();
                        }
                    }
                    table.append(row.row());
                }
            }
        }
        System.out.print(table);
        double[] load = loadAverage();
        System.out.printf(
                "(%s, load average %.1f at the end, max-tokens %d, %s)%n",
                data.getFileName(),
                load[0],
                c.get(GemragOptions.ANSWER_MAX_TOKENS),
                java.time.Instant.now().toString().substring(0, 16) + " UTC");
        return 0;
    }

    private void index(EmbeddedStack stack, AnswerEvalSet set) throws Exception {
        try (StoredChunks status =
                new StoredChunks(
                        stack.milvusUri(), stack.config().get(GemragOptions.MILVUS_ALIAS))) {
            if (reuseIndex && status.documents() == set.beir().corpus().size()) {
                System.err.println(
                        "  reusing the index: "
                                + status.documents()
                                + " documents, "
                                + status.chunks()
                                + " chunks");
                return;
            }
        } catch (RuntimeException e) {
            // no collection yet: index below
        }
        List<Demo.DocumentRecord> docs = new ArrayList<>();
        for (BeirDataset.Doc d : set.beir().corpus()) {
            ObjectNode o =
                    JSON.createObjectNode()
                            .put("id", d.id())
                            .put("title", d.title())
                            .put("text", d.text());
            docs.add(new Demo.DocumentRecord(d.id(), o.toString()));
        }
        new Demo(stack, System.err).ingest(docs, "documents", Duration.ofMinutes(30));
    }

    static Map<String, Map<String, String>> parseVariants(List<String> specs) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (specs.isEmpty()) {
            out.put("configured", Map.of());
            return out;
        }
        for (String spec : specs) {
            int colon = spec.indexOf(':');
            String name = colon < 0 ? spec : spec.substring(0, colon);
            Map<String, String> fields = new LinkedHashMap<>();
            if (colon >= 0 && colon + 1 < spec.length()) {
                for (String kv : spec.substring(colon + 1).split(",")) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException(
                                "--variant " + spec + ": expected NAME:field=value,...");
                    }
                    fields.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
                }
            }
            if (out.put(name, fields) != null) {
                throw new IllegalArgumentException("--variant name '" + name + "' is used twice");
            }
        }
        return out;
    }

    private static double[] loadAverage() {
        double l =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage();
        return new double[] {l};
    }
}
