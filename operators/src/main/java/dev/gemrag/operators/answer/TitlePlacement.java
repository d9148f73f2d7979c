package dev.gemrag.operators.answer;

/**
 * Where a source's title goes in the prompt; chosen on {@code gemrag eval-answers} (see the
 * README).
 */
public enum TitlePlacement {
    /** "[1] Title" on its own line, the text below. */
    LINE,
    /** "[1] Title: text" (the text runs on after the title). */
    INLINE
}
