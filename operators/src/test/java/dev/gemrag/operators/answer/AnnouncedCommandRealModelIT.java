package dev.gemrag.operators.answer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.AnswerFrame;
import dev.gemrag.connectors.records.Question;
import dev.gemrag.connectors.records.RerankMode;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.gem.ModelRuntime;
import dev.gemrag.operators.model.SharedEngineModels;
import dev.gemrag.operators.testing.CollectingResult;
import dev.gemrag.operators.testing.DirectRuntime;
import dev.gemrag.operators.testing.KeyedModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.junit.jupiter.api.Test;

/**
 * The demo's 10 questions on the real default model, each with its answering page as the only
 * source, through the answer function with the default answer controls (frame according_to,
 * 64-token budget, 24 extra tokens for announced code, repetition penalty 1.3 + DRY 0.8): no answer
 * ends announcing something it does not give (a trailing ':'), none leaves a code block or span
 * open, none opens a block whose language tag runs into the code ("```bash# cp ...", the newline
 * lost to the repetition penalty before line breaks were exempt from it), and every answer names
 * the page's command.
 */
class AnnouncedCommandRealModelIT {
    private static final Path SET = Path.of("..", "data", "samples-dev");

    @Test
    void noSampleAnswerEndsInALostCommandOrAnOpenCodeBlock() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> pages = new LinkedHashMap<>();
        for (String line : Files.readAllLines(SET.resolve("corpus.jsonl"))) {
            JsonNode n = json.readTree(line);
            pages.put(n.get("_id").asText(), n);
        }
        Map<String, String> answering = new LinkedHashMap<>();
        for (String line : Files.readAllLines(SET.resolve("qrels").resolve("test.tsv"))) {
            String[] f = line.split("\t");
            if (!f[0].equals("query-id")) {
                answering.put(f[0], f[1]);
            }
        }
        Map<String, RetrievedChunk> source = new LinkedHashMap<>();
        Retriever retriever =
                new Retriever() {
                    @Override
                    public List<RetrievedChunk> search(
                            float[] queryEmbedding, int topK, List<String> groups) {
                        throw new UnsupportedOperationException("the text search is used");
                    }

                    @Override
                    public List<RetrievedChunk> search(
                            String text,
                            float[] vector,
                            dev.gemrag.connectors.records.RetrievalMode mode,
                            int topK,
                            List<String> groups) {
                        return List.of(source.get(text));
                    }

                    @Override
                    public void close() {}
                };
        GenerationParams sampling =
                new GenerationParams(64, 0f, 1f, 0L, 0, 0f, 1.3f, 0f, 0f, 64, 0, 0.8f, 1.75f, 2);
        AnswerFunction fn =
                new AnswerFunction(
                        new SharedEngineModels(
                                // the default model through the shared engine, as the job loads it
                                new KeyedModelSource(
                                        "AnnouncedCommandRealModelIT",
                                        () -> ModelRuntime.load(DefaultModel.path(), null)),
                                4096,
                                Duration.ofMillis(5)),
                        (id, dim) -> retriever,
                        new AnswerSettings(2, 10, 64, 2048, 512, 256),
                        sampling,
                        PromptLayout.SYSTEM,
                        TitlePlacement.LINE,
                        new AnswerControls(
                                RerankMode.OFF, 8, 128, AnswerFrame.ACCORDING_TO, 2.0, 24, 1.0));
        fn.setRuntimeContext(DirectRuntime.context());
        fn.open(DefaultOpenContext.INSTANCE);
        List<String> problems = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(SET.resolve("queries.jsonl"))) {
                JsonNode q = json.readTree(line);
                String text = q.get("text").asText();
                JsonNode page = pages.get(answering.get(q.get("_id").asText()));
                String title = page.get("title").asText();
                source.put(
                        text,
                        new RetrievedChunk(
                                page.get("_id").asText() + "#0",
                                page.get("_id").asText(),
                                title,
                                page.get("text").asText(),
                                1f));
                CollectingResult<Answer> r = new CollectingResult<>();
                fn.asyncInvoke(
                        new Question(
                                q.get("_id").asText(),
                                text,
                                new String[] {"all"},
                                null,
                                null,
                                null,
                                null,
                                null),
                        r);
                String a = r.get(Duration.ofMinutes(5)).get(0).answer();
                if (a.endsWith(":")
                        || countOf(a, "```") % 2 == 1
                        || fenceRunsIntoCode(a)
                        // a lone backtick inside a fenced block is text, not an open span
                        || countOf(a.replaceAll("(?s)```.*?(```|$)", ""), "`") % 2 == 1
                        || !AnswerMetricsLike.names(a, title)) {
                    problems.add(q.get("_id").asText() + ": " + a);
                }
            }
        } finally {
            fn.close();
        }
        assertThat(problems).as("answers with a lost command, open code or no command").isEmpty();
    }

    /**
     * An opening fence whose info string runs straight into the code ("```bash# grep ...", "```bash
     * cp"): the newline after the language tag was not generated.
     */
    private static boolean fenceRunsIntoCode(String a) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("```([^\\s`]*)(.?)", java.util.regex.Pattern.DOTALL)
                        .matcher(a);
        boolean opening = true;
        while (m.find()) {
            if (opening && !m.group(2).isEmpty() && !m.group(2).equals("\n")) {
                return true;
            }
            opening = !opening;
        }
        return false;
    }

    private static int countOf(String s, String what) {
        int n = 0;
        for (int at = s.indexOf(what); at >= 0; at = s.indexOf(what, at + what.length())) {
            n++;
        }
        return n;
    }

    /** The page's command as a whole word of the answer (as eval-answers counts "names"). */
    private static final class AnswerMetricsLike {
        static boolean names(String answer, String title) {
            return java.util.regex.Pattern.compile(
                            "(?<![\\w-])" + java.util.regex.Pattern.quote(title) + "(?![\\w-])")
                    .matcher(answer)
                    .find();
        }
    }
}
