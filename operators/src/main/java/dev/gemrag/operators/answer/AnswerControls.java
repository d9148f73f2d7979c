package dev.gemrag.operators.answer;

import dev.gemrag.connectors.records.AnswerFrame;
import dev.gemrag.connectors.records.AnswerOverrides;
import dev.gemrag.connectors.records.RerankMode;
import java.io.Serializable;

/**
 * The configured answer-path controls a question may override (questions-topic fields rerank and
 * answer_frame); defaults chosen on {@code gemrag eval-answers} (see the README).
 *
 * @param rerank re-order the retrieved candidates before the prompt (retrieval.rerank)
 * @param rerankCandidates how many retrieved chunks the reranker scores
 *     (retrieval.rerank-candidates)
 * @param rerankChunkTokens tokens of each candidate's text the reranker reads
 *     (retrieval.rerank-chunk-tokens)
 * @param frame how the reply is primed (answer.frame)
 */
public record AnswerControls(
        RerankMode rerank, int rerankCandidates, int rerankChunkTokens, AnswerFrame frame)
        implements Serializable {
    /** No rerank, no frame: the answer path as it was before these controls. */
    public static final AnswerControls PLAIN =
            new AnswerControls(RerankMode.OFF, 8, 128, AnswerFrame.NONE);

    public AnswerControls {
        if (rerank == null || frame == null) {
            throw new IllegalArgumentException("retrieval.rerank and answer.frame must be set");
        }
        if (rerankCandidates < 1) {
            throw new IllegalArgumentException(
                    "retrieval.rerank-candidates must be at least 1, got " + rerankCandidates);
        }
        if (rerankChunkTokens < 8) {
            throw new IllegalArgumentException(
                    "retrieval.rerank-chunk-tokens must be at least 8, got " + rerankChunkTokens);
        }
    }

    /** These controls with a question's own on top. */
    public AnswerControls with(AnswerOverrides o) {
        if (o == null) {
            return this;
        }
        return new AnswerControls(
                o.rerank() == null ? rerank : o.rerank(),
                rerankCandidates,
                rerankChunkTokens,
                o.frame() == null ? frame : o.frame());
    }
}
