package dev.gemrag.operators.answer;

import dev.gemrag.connectors.records.AnswerFrame;
import java.util.List;

/**
 * The text that primes the model's reply (put after the chat template's assistant prefix; the model
 * continues it and the answer keeps it). Attribution-first: the reply opens with the best-ranked
 * source, so a small model writes about that source instead of echoing the instruction or drifting
 * to another one. The frame names only the title and the marker, which every model family can
 * continue, so the prompt builder stays model-agnostic. No trailing space: byte-pair vocabularies
 * carry the space on the next word, and a prompt ending in a bare space pushes the model to unusual
 * tokens.
 */
public final class ReplyFrame {
    private ReplyFrame() {}

    /**
     * The reply's opening for these numbered sources (best first); "" for {@link AnswerFrame#NONE}
     * or no sources.
     */
    public static String prefix(AnswerFrame frame, List<PromptDocument> documents) {
        if (frame == AnswerFrame.NONE || documents.isEmpty()) {
            return "";
        }
        String title = title(documents.get(0));
        return switch (frame) {
            case TITLE -> "[1] " + title + ":";
            case ACCORDING_TO -> "According to " + title + " [1],";
            case NONE -> "";
        };
    }

    private static String title(PromptDocument d) {
        String t = d.title() == null ? "" : d.title().strip().replaceAll("\\s+", " ");
        return t.isEmpty() ? "the first source" : t;
    }
}
