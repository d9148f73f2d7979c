package dev.gemrag.operators.answer;

/** Where the grounding instruction goes; chosen on {@code gemrag eval-answers} (see the README). */
public enum PromptLayout {
    /** Instruction as the system turn; sources then question as the user turn. */
    SYSTEM,
    /** The model's own default system turn; instruction, sources, question in the user turn. */
    USER_FIRST,
    /**
     * The model's own default system turn; sources, question, then the instruction, last before the
     * answer.
     */
    USER_LAST
}
