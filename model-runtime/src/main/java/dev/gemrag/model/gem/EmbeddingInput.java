package dev.gemrag.model.gem;

import dev.gemrag.model.TextTokenizer;
import java.util.Arrays;

/**
 * Token ids of one text to embed, following docs/ADAPTER_FORMAT.md: {@code encode(instruction +
 * text)} with no BOS, cut to {@code maxTokens - k} text tokens, then the k summary ids {@code
 * vocabSize .. vocabSize + k - 1}.
 */
public record EmbeddingInput(int[] ids, GemLayout layout) {

    /**
     * @param k 0 for MEAN/LAST pooling on plain text (no summary tokens appended)
     */
    public static EmbeddingInput of(
            TextTokenizer tokenizer,
            String instruction,
            String text,
            int maxTokens,
            int k,
            int vocabSize,
            TruncationCounter truncations) {
        return ofTokens(encode(tokenizer, instruction, text), maxTokens, k, vocabSize, truncations);
    }

    /** The ids of one input before the cut: {@code encode(instruction + text)}. */
    public static int[] encode(TextTokenizer tokenizer, String instruction, String text) {
        return tokenizer.encode(instruction == null ? text : instruction + text);
    }

    /**
     * The input from ids {@link #encode} gave (so a caller that already holds them does not
     * tokenise again): cut to {@code maxTokens - k}, then the summary ids appended.
     */
    public static EmbeddingInput ofTokens(
            int[] textIds, int maxTokens, int k, int vocabSize, TruncationCounter truncations) {
        if (maxTokens <= k) {
            throw new IllegalArgumentException(
                    "max tokens "
                            + maxTokens
                            + " leaves no room for text next to "
                            + k
                            + " summary tokens");
        }
        int limit = maxTokens - k;
        if (textIds.length > limit) {
            truncations.record(textIds.length, limit);
            textIds = Arrays.copyOf(textIds, limit);
        }
        if (k == 0 && textIds.length == 0) {
            throw new IllegalArgumentException(
                    "cannot embed an empty text without summary tokens (MEAN/LAST pooling)");
        }
        int[] ids = Arrays.copyOf(textIds, textIds.length + k);
        for (int j = 0; j < k; j++) {
            ids[textIds.length + j] = vocabSize + j;
        }
        return new EmbeddingInput(ids, GemLayout.embedding(textIds.length, k));
    }

    public int length() {
        return ids.length;
    }
}
