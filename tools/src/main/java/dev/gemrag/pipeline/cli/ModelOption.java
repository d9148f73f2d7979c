package dev.gemrag.pipeline.cli;

import picocli.CommandLine.Option;

/**
 * {@code --model PATH}, the same option in every command that loads a model (the job's model.path);
 * {@link ModelAndAdapterOption} adds {@code --adapter} for the commands that load the adapter.
 */
public class ModelOption {
    @Option(
            names = "--model",
            paramLabel = "PATH",
            description =
                    "GGUF file or Hugging Face directory (default: $GEMRAG_MODEL_PATH, else the default"
                            + " SmolLM2-135M-Instruct GGUF, downloaded and checksum-verified when missing).")
    String path;

    /** The path given, or null: $GEMRAG_MODEL_PATH or the default model (see ModelSelection). */
    public String value() {
        return path;
    }
}
