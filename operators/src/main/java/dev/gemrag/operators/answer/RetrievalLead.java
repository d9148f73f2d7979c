package dev.gemrag.operators.answer;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import java.util.List;

/**
 * How far the retriever's first document is ahead of the next one: the first chunk's score minus
 * the best score of a chunk from another document. The answer frame cites the first document, so a
 * document that leads clearly needs no reranking (retrieval.rerank: auto); chunks of the same
 * document behind it do not make the lead smaller, since the prompt merges them anyway.
 */
public final class RetrievalLead {
    private RetrievalLead() {}

    /**
     * @param hits the retriever's chunks, best first, with their scores
     * @return the lead, or positive infinity when every chunk is from one document (nothing to
     *     reorder between documents)
     */
    public static double of(List<RetrievedChunk> hits) {
        if (hits.isEmpty()) {
            return Double.POSITIVE_INFINITY;
        }
        RetrievedChunk first = hits.get(0);
        for (RetrievedChunk c : hits.subList(1, hits.size())) {
            if (!c.docId().equals(first.docId())) {
                // the retriever's order, not its scores, is authoritative: the next document's
                // best chunk is its first one
                return (double) first.score() - c.score();
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
