package dev.gemrag.connectors.records;

import java.io.Serializable;

/**
 * A question's own answer-path settings; a null field keeps the configured one. Questions topic
 * fields: rerank ({@code off}, {@code llm}), answer_frame ({@code none}, {@code title}, {@code
 * according_to}).
 *
 * @param rerank re-ordering of the retrieved candidates (null = retrieval.rerank)
 * @param frame how the reply is primed (null = answer.frame)
 */
public record AnswerOverrides(RerankMode rerank, AnswerFrame frame) implements Serializable {
    public static final AnswerOverrides NONE = new AnswerOverrides(null, null);

    public boolean isEmpty() {
        return rerank == null && frame == null;
    }
}
