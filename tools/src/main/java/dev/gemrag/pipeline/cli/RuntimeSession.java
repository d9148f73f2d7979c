package dev.gemrag.pipeline.cli;

import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.model.gem.GemLanguageModel;
import dev.gemrag.model.gem.ModelSelection;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import java.nio.file.Path;
import java.util.List;

/**
 * The model the {@code generate} and {@code bench} commands run: the same {@link GemLanguageModel}
 * the pipeline answers with (base checkpoint + GEM adapter, if any), plus the path it came from.
 */
final class RuntimeSession implements AutoCloseable {
    private final Path modelPath;
    private final GemLanguageModel model;

    private RuntimeSession(Path modelPath, GemLanguageModel model) {
        this.modelPath = modelPath;
        this.model = model;
    }

    /**
     * @param model base model path, or null for $GEMRAG_MODEL_PATH / the default model (fetched
     *     when missing); a path that does not exist is a one-line error
     * @param adapter adapter descriptor path, "none", or null for $GEMRAG_MODEL_ADAPTER / the
     *     bundled one
     */
    static RuntimeSession open(String model, String adapter) {
        ModelSelection selection = ModelSelection.resolve(model, adapter);
        return new RuntimeSession(selection.base(), selection.load());
    }

    /** The plain base model, no adapter: what llama.cpp runs from the same file. */
    static RuntimeSession openBase(String model) {
        return open(model, "none");
    }

    Path modelPath() {
        return modelPath;
    }

    String modelId() {
        return model.id();
    }

    LlamaConfig config() {
        return model.llama().config();
    }

    TextTokenizer tokenizer() {
        return model.tokenizer();
    }

    LlamaModel llama() {
        return model.llama();
    }

    /** The whole model, for the engine-level part of the benchmark. */
    GemLanguageModel languageModel() {
        return model;
    }

    /** The compiled decoder generation runs on, or null when it runs eager. */
    CompiledDecoder compiled() {
        return model.compiled();
    }

    /** Messages through the model's own chat template, ending with the assistant prefix. */
    String chatPrompt(List<ChatMessage> messages) {
        return model.applyChatTemplate(messages);
    }

    List<GenerationResult> generate(List<String> prompts, GenerationParams params) {
        return model.generate(prompts, params);
    }

    @Override
    public void close() {
        model.close();
    }
}
