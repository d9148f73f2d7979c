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
 * @param rerankSkipMargin the reranker is skipped when the retriever's first document leads the
 *     next document by at least this much fused score (retrieval.rerank-skip-margin; above 1 =
 *     never skipped, fused hybrid scores are in [0, 1])
 * @param codeExtraTokens tokens an answer may run past its budget when the budget ran out inside a
 *     fenced code block or right after announcing one (answer.code-extra-tokens; 0 = off)
 * @param rerankWeight the reranker's share of the blend that orders the candidates, the retriever's
 *     score having the rest (retrieval.rerank-weight; 1 = likelihood alone)
 */
public record AnswerControls(
        RerankMode rerank,
        int rerankCandidates,
        int rerankChunkTokens,
        AnswerFrame frame,
        double rerankSkipMargin,
        int codeExtraTokens,
        double rerankWeight)
        implements Serializable {
    /** Never skip the reranker (a margin no fused score difference reaches). */
    public static final double NEVER_SKIP = 2.0;

    /** No rerank, no frame: the answer path as it was before these controls. */
    public static final AnswerControls PLAIN =
            new AnswerControls(RerankMode.OFF, 8, 128, AnswerFrame.NONE);

    /**
     * The reranker never skipped and ordering by likelihood alone, no extra tokens for code (the
     * controls before those three).
     */
    public AnswerControls(
            RerankMode rerank, int rerankCandidates, int rerankChunkTokens, AnswerFrame frame) {
        this(rerank, rerankCandidates, rerankChunkTokens, frame, NEVER_SKIP, 0, 1.0);
    }

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
        if (!(rerankSkipMargin >= 0) || Double.isInfinite(rerankSkipMargin)) {
            throw new IllegalArgumentException(
                    "retrieval.rerank-skip-margin must be a number >= 0, got " + rerankSkipMargin);
        }
        if (codeExtraTokens < 0) {
            throw new IllegalArgumentException(
                    "answer.code-extra-tokens must be >= 0 (0 = off), got " + codeExtraTokens);
        }
        if (!(rerankWeight >= 0 && rerankWeight <= 1)) {
            throw new IllegalArgumentException(
                    "retrieval.rerank-weight must be in [0, 1], got " + rerankWeight);
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
                o.frame() == null ? frame : o.frame(),
                rerankSkipMargin,
                codeExtraTokens,
                rerankWeight);
    }
}
