package dev.gemrag.pipeline.cli;

import picocli.CommandLine.Option;

/**
 * {@code --model PATH} and {@code --adapter PATH|none}: the model option of every command that
 * loads the GEM adapter too (embed, generate, eval, bench-embed), as the job's model.path and
 * model.adapter.
 */
public final class ModelAndAdapterOption extends ModelOption {
    @Option(
            names = "--adapter",
            paramLabel = "PATH|none",
            description =
                    "GEM adapter .json, or 'none' for the plain base model with mean pooling (default:"
                            + " $GEMRAG_MODEL_ADAPTER, else the bundled adapter when it fits the base, as the pipeline uses).")
    String adapter;

    /** The adapter given ("none" included), or null: $GEMRAG_MODEL_ADAPTER or the bundled one. */
    public String adapter() {
        return adapter;
    }
}
