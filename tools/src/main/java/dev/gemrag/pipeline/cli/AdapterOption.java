package dev.gemrag.pipeline.cli;

import picocli.CommandLine.Option;

/**
 * {@code --adapter PATH|none}, the same option in every command that embeds (the job's
 * model.adapter).
 */
public final class AdapterOption {
    @Option(
            names = "--adapter",
            paramLabel = "PATH|none",
            description =
                    "GEM adapter .json, or 'none' for the plain base model with mean pooling (default:"
                            + " $GEMRAG_MODEL_ADAPTER, else the bundled adapter when it fits the base, as the pipeline uses).")
    String path;

    /** The adapter given ("none" included), or null: $GEMRAG_MODEL_ADAPTER or the bundled one. */
    public String value() {
        return path;
    }
}
