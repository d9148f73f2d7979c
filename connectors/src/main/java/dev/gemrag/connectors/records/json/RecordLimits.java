package dev.gemrag.connectors.records.json;

import java.io.Serializable;

/**
 * Size limits a record must respect to be accepted. String limits count UTF-8 bytes, as Milvus
 * VarChar max_length does. Immutable; change one limit with the {@code with...} methods:
 *
 * <pre>{@code
 * RecordLimits limits = RecordLimits.defaults().withMaxTextBytes(4 << 20).withMaxGroups(16);
 * }</pre>
 */
public record RecordLimits(
        int maxIdBytes,
        int maxTitleBytes,
        int maxUrlBytes,
        int maxTextBytes,
        int maxGroups,
        int maxGroupBytes,
        int maxMetadataBytes,
        int maxQuestionBytes,
        int maxTopK,
        int maxMaxTokens)
        implements Serializable {

    /**
     * The largest top_k anyone may ask for: the question contract, the job's answer.top-k and the
     * Milvus retriever all use this one value.
     */
    public static final int MAX_TOP_K = 100;

    /**
     * The largest max_tokens anyone may ask for (question contract and answer.max-tokens); the
     * generator handles it (prompt + answer stay within the default model's 8192 positions).
     */
    public static final int MAX_MAX_TOKENS = 2048;

    public RecordLimits {
        positive("maxIdBytes", maxIdBytes);
        positive("maxTitleBytes", maxTitleBytes);
        positive("maxUrlBytes", maxUrlBytes);
        positive("maxTextBytes", maxTextBytes);
        positive("maxGroups", maxGroups);
        positive("maxGroupBytes", maxGroupBytes);
        positive("maxMetadataBytes", maxMetadataBytes);
        positive("maxQuestionBytes", maxQuestionBytes);
        positive("maxTopK", maxTopK);
        positive("maxMaxTokens", maxMaxTokens);
    }

    /**
     * id 512 B, title 1 KiB, url 2 KiB, text 1 MiB, 64 groups of up to 128 B, metadata 16 KiB (as
     * compact JSON), question 4 KiB, top_k up to 100, max_tokens up to 2048.
     */
    public static RecordLimits defaults() {
        return new RecordLimits(
                512, 1024, 2048, 1 << 20, 64, 128, 16 << 10, 4096, MAX_TOP_K, MAX_MAX_TOKENS);
    }

    public RecordLimits withMaxIdBytes(int v) {
        return with(0, v);
    }

    public RecordLimits withMaxTitleBytes(int v) {
        return with(1, v);
    }

    public RecordLimits withMaxUrlBytes(int v) {
        return with(2, v);
    }

    public RecordLimits withMaxTextBytes(int v) {
        return with(3, v);
    }

    public RecordLimits withMaxGroups(int v) {
        return with(4, v);
    }

    public RecordLimits withMaxGroupBytes(int v) {
        return with(5, v);
    }

    public RecordLimits withMaxMetadataBytes(int v) {
        return with(6, v);
    }

    public RecordLimits withMaxQuestionBytes(int v) {
        return with(7, v);
    }

    public RecordLimits withMaxTopK(int v) {
        return with(8, v);
    }

    public RecordLimits withMaxMaxTokens(int v) {
        return with(9, v);
    }

    /**
     * A copy with the limit at {@code index} (the component order) set to {@code v}: every limit is
     * an int, so the withers share one copy through an array instead of each listing all ten.
     */
    private RecordLimits with(int index, int v) {
        int[] l = {
            maxIdBytes,
            maxTitleBytes,
            maxUrlBytes,
            maxTextBytes,
            maxGroups,
            maxGroupBytes,
            maxMetadataBytes,
            maxQuestionBytes,
            maxTopK,
            maxMaxTokens
        };
        l[index] = v;
        return new RecordLimits(l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7], l[8], l[9]);
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException("RecordLimits." + name + " must be >= 1, got " + v);
        }
    }
}
