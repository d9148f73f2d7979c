package dev.gemrag.model.engine;

/** Request classes in the order the worker serves them: questions wait least. */
public enum RequestKind {
    QUERY,
    /**
     * Query likelihood of one question after each of its candidate chunks (reranking before
     * generation).
     */
    SCORE,
    GENERATE,
    DOCUMENT
}
