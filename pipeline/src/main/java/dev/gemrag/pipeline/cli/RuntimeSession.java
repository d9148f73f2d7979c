package dev.gemrag.pipeline.cli;

import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.CheckpointLoader;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.model.fetch.ModelLocator;
import dev.gemrag.model.generate.ChatTemplate;
import dev.gemrag.model.generate.Generator;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.tokenizer.HfTextTokenizer;
import java.nio.file.Path;
import java.util.List;

/**
 * The plain generation stack the {@code generate} and {@code bench} commands run on: checkpoint,
 * tokenizer, forward, chat template and generator, loaded once and closed together.
 */
final class RuntimeSession implements AutoCloseable {
    private final Path modelPath;
    private final LlamaConfig config;
    private final HfTextTokenizer tokenizer;
    private final LlamaModel llama;
    private final Generator generator;
    private final String chatTemplate;

    private RuntimeSession(Path modelPath, Checkpoint checkpoint) {
        this.modelPath = modelPath;
        this.config = checkpoint.config();
        this.chatTemplate = checkpoint.chatTemplate();
        this.tokenizer = HfTextTokenizer.of(checkpoint);
        try {
            this.llama = LlamaModel.create(checkpoint.config(), checkpoint.weights());
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        this.generator = new Generator(llama, tokenizer, checkpoint.eosTokenIds());
    }

    /**
     * Loads {@code model}, else $GEMRAG_MODEL, else the default model (fetched when missing); a path that
     * does not exist is a one-line error.
     */
    static RuntimeSession open(Path model) {
        Path path = ModelLocator.resolve(model == null ? null : model.toString());
        return new RuntimeSession(path, CheckpointLoader.load(path));
    }

    Path modelPath() {
        return modelPath;
    }

    LlamaConfig config() {
        return config;
    }

    TextTokenizer tokenizer() {
        return tokenizer;
    }

    LlamaModel llama() {
        return llama;
    }

    /** Messages through the model's own chat template, ending with the assistant prefix. */
    String chatPrompt(List<ChatMessage> messages) {
        return ChatTemplate.fromJinja(chatTemplate).render(messages);
    }

    List<GenerationResult> generate(List<String> prompts, GenerationParams params) {
        return generator.generate(prompts, params);
    }

    @Override
    public void close() {
        llama.close();
        tokenizer.close();
    }
}
