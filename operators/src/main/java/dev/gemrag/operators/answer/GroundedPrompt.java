package dev.gemrag.operators.answer;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prompt that keeps the model to the retrieved text: an instruction to answer briefly from the
 * numbered sources only, to cite them as [1], and to say so when they do not contain the answer;
 * the sources, one number per document (its chunks together, best document first, title on its own
 * line), within a token budget; then the question. Rendered by the caller through the model's own
 * chat template, so it stays model-agnostic.
 */
public final class GroundedPrompt {
    public static final String SYSTEM =
            "Answer the question in one or two short sentences, using only the numbered "
                    + "sources. Name the source that answers it by its title and cite it as [1] or [2]. If the sources do not "
                    + "contain the answer, say: "
                    + DontKnow.ANSWER;

    private final List<ChatMessage> messages;
    private final List<RetrievedChunk> sources;
    private final List<PromptDocument> documents;
    private final int truncatedSources;

    private GroundedPrompt(
            List<ChatMessage> messages,
            List<RetrievedChunk> sources,
            List<PromptDocument> documents,
            int truncatedSources) {
        this.messages = messages;
        this.sources = sources;
        this.documents = documents;
        this.truncatedSources = truncatedSources;
    }

    public static GroundedPrompt build(
            String question, List<RetrievedChunk> hits, TextTokenizer tokenizer, int budget) {
        return build(question, hits, tokenizer, budget, PromptLayout.SYSTEM);
    }

    /**
     * @param hits best first; those that do not fit in the budget are left out, and the first one
     *     is cut to the budget when it alone is too long
     */
    public static GroundedPrompt build(
            String question,
            List<RetrievedChunk> hits,
            TextTokenizer tokenizer,
            int budget,
            PromptLayout layout) {
        return build(question, hits, tokenizer, budget, layout, TitlePlacement.LINE);
    }

    /**
     * @param hits best first; those that do not fit in the budget are left out, and the first one
     *     is cut to the budget when it alone is too long
     */
    public static GroundedPrompt build(
            String question,
            List<RetrievedChunk> hits,
            TextTokenizer tokenizer,
            int budget,
            PromptLayout layout,
            TitlePlacement titles) {
        List<RetrievedChunk> used = new ArrayList<>();
        Map<String, List<String>> texts = new LinkedHashMap<>();
        Map<String, List<RetrievedChunk>> byDoc = new LinkedHashMap<>();
        int spent = 0;
        int truncated = 0;
        for (RetrievedChunk hit : hits) {
            String text = hit.text().strip();
            boolean newDoc = !byDoc.containsKey(hit.docId());
            // a new document costs its number and title line too
            int tokens =
                    tokenizer.count(text + "\n")
                            + (newDoc
                                    ? tokenizer.count(header(byDoc.size() + 1, hit.title(), titles))
                                    : 0);
            if (spent + tokens > budget) {
                if (!used.isEmpty()) {
                    break;
                }
                int[] ids = tokenizer.encode(text);
                int keep =
                        Math.max(1, budget - tokenizer.count(header(1, hit.title(), titles)) - 1);
                text = tokenizer.decode(Arrays.copyOf(ids, Math.min(ids.length, keep)));
                tokens = budget;
                truncated++;
            }
            used.add(hit);
            byDoc.computeIfAbsent(hit.docId(), k -> new ArrayList<>()).add(hit);
            texts.computeIfAbsent(hit.docId(), k -> new ArrayList<>()).add(text);
            spent += tokens;
        }
        List<PromptDocument> documents = new ArrayList<>();
        StringBuilder sources = new StringBuilder();
        for (Map.Entry<String, List<RetrievedChunk>> e : byDoc.entrySet()) {
            int number = documents.size() + 1;
            RetrievedChunk first = e.getValue().get(0);
            documents.add(
                    new PromptDocument(
                            number, e.getKey(), first.title(), List.copyOf(e.getValue())));
            sources.append(header(number, first.title(), titles));
            sources.append(String.join("\n", texts.get(e.getKey()))).append("\n\n");
        }
        String body = "Sources:\n\n" + sources + "Question: " + question.strip();
        List<ChatMessage> messages =
                switch (layout) {
                    case SYSTEM -> List.of(ChatMessage.system(SYSTEM), ChatMessage.user(body));
                    case USER_FIRST -> List.of(ChatMessage.user(SYSTEM + "\n\n" + body));
                    case USER_LAST -> List.of(ChatMessage.user(body + "\n\n" + SYSTEM));
                };
        return new GroundedPrompt(messages, List.copyOf(used), List.copyOf(documents), truncated);
    }

    private static String header(int number, String title, TitlePlacement titles) {
        String t = title == null || title.isBlank() ? "(untitled)" : title.strip();
        return "[" + number + "] " + t + (titles == TitlePlacement.INLINE ? ": " : "\n");
    }

    public List<ChatMessage> messages() {
        return messages;
    }

    /** Every chunk in the prompt, in retrieval order. */
    public List<RetrievedChunk> sources() {
        return sources;
    }

    /** The numbered sources: one per document, numbered from 1 in this order. */
    public List<PromptDocument> documents() {
        return documents;
    }

    public int truncatedSources() {
        return truncatedSources;
    }
}
