package dev.gemrag.model;

/** Which side of retrieval a text is on: queries may carry an instruction, documents do not. */
public enum EmbedRole {
    QUERY,
    DOCUMENT
}
