package dev.gemrag.connectors.records;

/**
 * A question from the questions topic.
 *
 * @param id question id; the answer carries it back as question_id
 * @param question the text
 * @param groups the asker's groups: only chunks whose acl intersects them may be retrieved
 * @param topK chunks to retrieve (null = configured default)
 * @param maxTokens answer length limit (null = configured default)
 * @param sampling the question's own sampling settings (null = the configured ones)
 * @param retrievalMode dense, hybrid or sparse retrieval (null = configured retrieval.mode)
 * @param answer the question's own rerank and answer frame (null = the configured ones)
 */
public record Question(
        String id,
        String question,
        String[] groups,
        Integer topK,
        Integer maxTokens,
        SamplingOverrides sampling,
        RetrievalMode retrievalMode,
        AnswerOverrides answer) {

    /** A question that leaves rerank and the answer frame to the configuration. */
    public Question(
            String id,
            String question,
            String[] groups,
            Integer topK,
            Integer maxTokens,
            SamplingOverrides sampling,
            RetrievalMode retrievalMode) {
        this(id, question, groups, topK, maxTokens, sampling, retrievalMode, null);
    }

    /** A question that leaves sampling and the retrieval mode to the configuration. */
    public Question(String id, String question, String[] groups, Integer topK, Integer maxTokens) {
        this(id, question, groups, topK, maxTokens, (SamplingOverrides) null, (RetrievalMode) null);
    }

    /** A question with its own sampling settings and the configured retrieval mode. */
    public Question(
            String id,
            String question,
            String[] groups,
            Integer topK,
            Integer maxTokens,
            SamplingOverrides sampling) {
        this(id, question, groups, topK, maxTokens, sampling, null);
    }

    /** A question with its own retrieval mode and the configured sampling. */
    public Question(
            String id,
            String question,
            String[] groups,
            Integer topK,
            Integer maxTokens,
            RetrievalMode retrievalMode) {
        this(id, question, groups, topK, maxTokens, null, retrievalMode);
    }
}
