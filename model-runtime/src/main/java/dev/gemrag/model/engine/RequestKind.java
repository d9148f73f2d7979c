package dev.gemrag.model.engine;

/** Request classes in the order the worker serves them: questions wait least. */
public enum RequestKind {
    QUERY,
    GENERATE,
    DOCUMENT
}
