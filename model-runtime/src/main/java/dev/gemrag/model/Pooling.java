package dev.gemrag.model;

/** How a sequence of last-layer hidden states becomes one vector. */
public enum Pooling {
    /** Mean of the hidden states at the k appended summary tokens (GEM). */
    GEM,
    /** Mean over the text tokens. */
    MEAN,
    /** Hidden state of the last text token. */
    LAST
}
