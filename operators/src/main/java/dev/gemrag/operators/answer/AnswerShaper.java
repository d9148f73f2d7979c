package dev.gemrag.operators.answer;

import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.Citation;
import dev.gemrag.model.GenerationResult;
import java.util.List;
import java.util.Map;

/**
 * From the model's raw completion to the answer record: ends it at a sentence when the token budget ran
 * out, replaces a "the sources do not contain it" reply by the fixed wording (answered = false, no
 * citations), and keeps only citations to sources in the prompt, renumbered, one per document.
 */
public final class AnswerShaper {
    private AnswerShaper() {}

    public static Answer shape(String questionId, GenerationResult gen, GroundedPrompt prompt, String model,
            Map<String, Long> timings) {
        List<Citation> sources = prompt.sources().stream()
                .map(h -> new Citation(h.docId(), h.chunkId(), h.title(), h.score()))
                .toList();
        String raw = gen.text();
        // small models go on to invent the next turn ("Question: ..."): that is not part of the answer
        int invented = raw.indexOf("\nQuestion:");
        boolean cut = invented > 0;
        if (cut) {
            raw = raw.substring(0, invented);
        }
        String text = SentenceTrim.trim(raw, cut || "length".equals(gen.finishReason()));
        if (text.isBlank() || DontKnow.says(text)) {
            return new Answer(questionId, DontKnow.ANSWER, List.of(), model, timings, sources, false);
        }
        CitedAnswer cited = CitedAnswer.of(text, prompt.documents());
        List<Citation> citations = cited.cited().stream()
                .map(d -> new Citation(d.docId(), d.best().chunkId(), d.title(), d.best().score()))
                .toList();
        return new Answer(questionId, cited.text(), citations, model, timings, sources, true);
    }
}
