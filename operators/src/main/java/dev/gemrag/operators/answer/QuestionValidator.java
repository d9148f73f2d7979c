package dev.gemrag.operators.answer;

import dev.gemrag.connectors.kafka.DeadLetterStage;
import dev.gemrag.connectors.kafka.DeadLetters;
import dev.gemrag.connectors.records.Question;
import dev.gemrag.operators.model.ModelClient;
import dev.gemrag.operators.model.ModelClientFactory;
import dev.gemrag.operators.parse.DeadLetterOutput;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets through the questions the answer step can serve; the others (no id, empty or too long
 * question, out-of-range top_k / max_tokens) go to the dead-letter side output with the reason.
 */
public final class QuestionValidator extends ProcessFunction<Question, Question> {
    private static final long serialVersionUID = 1L;

    private final ModelClientFactory models;
    private final AnswerSettings settings;
    private final String topic;
    private transient ModelClient model;
    private transient Counter deadLetters;

    public QuestionValidator(ModelClientFactory models, AnswerSettings settings, String topic) {
        this.models = models;
        this.settings = settings;
        this.topic = topic;
    }

    @Override
    public void open(OpenContext ctx) {
        model = models.open();
        deadLetters = getRuntimeContext().getMetricGroup().counter(DeadLetterOutput.METRIC);
    }

    @Override
    public void processElement(Question q, Context ctx, Collector<Question> out) {
        String reason = problem(q);
        if (reason == null) {
            out.collect(q);
            return;
        }
        deadLetters.inc();
        ctx.output(
                DeadLetterOutput.TAG,
                DeadLetters.forQuestion(topic, q, reason, DeadLetterStage.ANSWER));
    }

    /** The reason a question cannot be answered, or null when it can. */
    String problem(Question q) {
        if (q.id() == null || q.id().isBlank()) {
            return "missing field 'id'";
        }
        if (q.question() == null || q.question().isBlank()) {
            return "question is empty";
        }
        int tokens = model.tokenizer().count(q.question());
        if (tokens > settings.maxQuestionTokens()) {
            return "question is "
                    + tokens
                    + " tokens, more than answer.max-question-tokens ("
                    + settings.maxQuestionTokens()
                    + ")";
        }
        if (q.topK() != null && (q.topK() < 1 || q.topK() > settings.maxTopK())) {
            return "top_k must be in [1, " + settings.maxTopK() + "], got " + q.topK();
        }
        if (q.maxTokens() != null
                && (q.maxTokens() < 1 || q.maxTokens() > settings.maxMaxTokens())) {
            return "max_tokens must be in [1, "
                    + settings.maxMaxTokens()
                    + "], got "
                    + q.maxTokens();
        }
        if (q.groups() != null
                && Arrays.stream(q.groups()).anyMatch(g -> g == null || g.isBlank())) {
            return "groups must not contain empty names";
        }
        return null;
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}
