package dev.gemrag.operators.chunk;

import dev.gemrag.model.TextTokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One token per whitespace-separated word: makes token budgets easy to reason about in tests. */
public final class WhitespaceTokenizer implements TextTokenizer {
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> words = new ArrayList<>();

    @Override
    public synchronized int[] encode(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return new int[0];
        }
        String[] parts = t.split("\\s+");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] =
                    ids.computeIfAbsent(
                            parts[i],
                            w -> {
                                words.add(w);
                                return words.size() - 1;
                            });
        }
        return out;
    }

    @Override
    public synchronized String decode(int[] tokens) {
        StringBuilder sb = new StringBuilder();
        for (int id : tokens) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(words.get(id));
        }
        return sb.toString();
    }
}
