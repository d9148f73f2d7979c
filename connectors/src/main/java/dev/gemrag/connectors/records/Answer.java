package dev.gemrag.connectors.records;

import java.util.List;
import java.util.Map;

/**
 * The answers topic record:
 * {"question_id","answer","answered","citations":[...],"sources":[...],"model","timings_ms":{}}.
 *
 * @param citations the documents the answer cites, numbered from 1 in this order (one per document:
 *     the best-scoring of its chunks in the prompt)
 * @param sources every chunk that was in the prompt, in prompt order (empty when nothing was
 *     retrieved)
 * @param answered false when the answer says the sources do not contain it, nothing was found, or
 *     it failed
 */
public record Answer(
        String questionId,
        String answer,
        List<Citation> citations,
        String model,
        Map<String, Long> timingsMs,
        List<Citation> sources,
        boolean answered) {

    /** An answer without a separate source list: the sources are the citations. */
    public Answer(
            String questionId,
            String answer,
            List<Citation> citations,
            String model,
            Map<String, Long> timingsMs) {
        this(
                questionId,
                answer,
                citations,
                model,
                timingsMs,
                citations,
                citations != null && !citations.isEmpty());
    }
}
