package dev.gemrag.operators.answer;

import java.io.Serializable;

/**
 * Answering limits.
 *
 * @param topK chunks retrieved when the question does not say
 * @param maxTopK the largest top_k a question may ask for
 * @param maxTokens answer length when the question does not say
 * @param maxMaxTokens the largest max_tokens a question may ask for
 * @param contextTokens token budget of the numbered sources in the prompt
 * @param maxQuestionTokens longer questions are dead letters
 */
public record AnswerSettings(
        int topK,
        int maxTopK,
        int maxTokens,
        int maxMaxTokens,
        int contextTokens,
        int maxQuestionTokens)
        implements Serializable {
    public AnswerSettings {
        if (topK < 1 || topK > maxTopK) {
            throw new IllegalArgumentException(
                    "answer.top-k must be in [1, " + maxTopK + "], got " + topK);
        }
        if (maxTokens < 1 || maxTokens > maxMaxTokens) {
            throw new IllegalArgumentException(
                    "answer.max-tokens must be in [1, " + maxMaxTokens + "], got " + maxTokens);
        }
        if (contextTokens < 32) {
            throw new IllegalArgumentException(
                    "answer.context-tokens must be at least 32, got " + contextTokens);
        }
        if (maxQuestionTokens < 1) {
            throw new IllegalArgumentException(
                    "answer.max-question-tokens must be positive, got " + maxQuestionTokens);
        }
    }
}
