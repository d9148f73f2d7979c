package dev.gemrag.operators.answer;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The prompt that keeps the model to the retrieved text: a system instruction to answer only from
 * the numbered sources and to cite them as [1], [2]; the sources, best first, within a token
 * budget; then the question.
 */
public final class GroundedPrompt {
    public static final String SYSTEM = "Answer the question using only the numbered sources. "
            + "Cite the sources you use as [1], [2]. If the sources do not contain the answer, say you do not know.";

    private final List<ChatMessage> messages;
    private final List<RetrievedChunk> sources;
    private final int truncatedSources;

    private GroundedPrompt(List<ChatMessage> messages, List<RetrievedChunk> sources, int truncatedSources) {
        this.messages = messages;
        this.sources = sources;
        this.truncatedSources = truncatedSources;
    }

    /**
     * @param hits best first; those that do not fit in the budget are left out, and the first one is
     *             cut to the budget when it alone is too long
     */
    public static GroundedPrompt build(String question, List<RetrievedChunk> hits, TextTokenizer tokenizer, int budget) {
        StringBuilder sources = new StringBuilder();
        List<RetrievedChunk> used = new ArrayList<>();
        int spent = 0;
        int truncated = 0;
        for (RetrievedChunk hit : hits) {
            String block = block(used.size() + 1, hit.title(), hit.text());
            int tokens = tokenizer.count(block);
            if (spent + tokens > budget) {
                if (!used.isEmpty()) {
                    break;
                }
                int[] ids = tokenizer.encode(block);
                block = tokenizer.decode(Arrays.copyOf(ids, budget));
                tokens = budget;
                truncated++;
            }
            sources.append(block);
            used.add(hit);
            spent += tokens;
        }
        String user = "Sources:\n" + sources + "Question: " + question.strip();
        return new GroundedPrompt(List.of(ChatMessage.system(SYSTEM), ChatMessage.user(user)), List.copyOf(used), truncated);
    }

    private static String block(int number, String title, String text) {
        String head = title == null || title.isBlank() ? "" : title.strip() + ": ";
        return "[" + number + "] " + head + text.strip() + "\n\n";
    }

    public List<ChatMessage> messages() {
        return messages;
    }

    /** The chunks in the prompt, numbered from 1 in this order. */
    public List<RetrievedChunk> sources() {
        return sources;
    }

    public int truncatedSources() {
        return truncatedSources;
    }
}
