package dev.gemrag.operators.answer;

import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.Citation;
import dev.gemrag.model.GenerationResult;
import java.util.List;
import java.util.Map;

/**
 * From the model's raw completion to the answer record: ends it at a sentence when the token budget
 * ran out, replaces a "the sources do not contain it" reply by the fixed wording (answered = false,
 * no citations), drops sentences that only repeat the instruction, and keeps only citations to
 * sources in the prompt, renumbered, one per document. With a reply frame ({@link ReplyFrame}) the
 * answer is the frame plus the model's continuation; a continuation with nothing left after shaping
 * is no answer.
 */
public final class AnswerShaper {
    private AnswerShaper() {}

    public static Answer shape(
            String questionId,
            GenerationResult gen,
            GroundedPrompt prompt,
            String model,
            Map<String, Long> timings) {
        return shape(questionId, gen, "", prompt, model, timings);
    }

    /**
     * @param frame the text the reply was primed with ("" for none); the answer starts with it
     */
    public static Answer shape(
            String questionId,
            GenerationResult gen,
            String frame,
            GroundedPrompt prompt,
            String model,
            Map<String, Long> timings) {
        List<Citation> sources =
                prompt.sources().stream()
                        .map(h -> new Citation(h.docId(), h.chunkId(), h.title(), h.score()))
                        .toList();
        String raw = gen.text();
        // small models go on to invent the next turn ("Question: ..."): that is not part of the
        // answer
        int invented = raw.indexOf("\nQuestion:");
        boolean cut = invented > 0;
        if (cut) {
            raw = raw.substring(0, invented);
        }
        String text = SentenceTrim.trim(frame + raw, cut || "length".equals(gen.finishReason()));
        String continuation = text.startsWith(frame) ? text.substring(frame.length()) : "";
        if (DontKnow.says(frame.isEmpty() ? text : continuation)) {
            return new Answer(
                    questionId, DontKnow.ANSWER, List.of(), model, timings, sources, false);
        }
        continuation =
                LeadIn.dropAnswerIs(InstructionEcho.strip(continuation, GroundedPrompt.SYSTEM));
        text = frame.isEmpty() ? continuation : (frame + " " + continuation).strip();
        if (continuation.isBlank() || continuation.matches("[\\s\\p{Punct}\\d]*")) {
            return new Answer(
                    questionId, DontKnow.ANSWER, List.of(), model, timings, sources, false);
        }
        CitedAnswer cited = CitedAnswer.of(text, prompt.documents());
        List<Citation> citations =
                cited.cited().stream()
                        .map(
                                d ->
                                        new Citation(
                                                d.docId(),
                                                d.best().chunkId(),
                                                d.title(),
                                                d.best().score()))
                        .toList();
        return new Answer(questionId, cited.text(), citations, model, timings, sources, true);
    }
}
