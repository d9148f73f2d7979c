package dev.gemrag.model.it;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.CheckpointLoader;
import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.generate.ChatTemplate;
import dev.gemrag.model.generate.Generator;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import dev.gemrag.model.llama.compiled.WeightFormat;
import dev.gemrag.model.tokenizer.HfTextTokenizer;
import java.nio.file.Path;

/**
 * The real default model (SmolLM2-135M-Instruct Q4_1), loaded once per test JVM and shared by all
 * RealModel*IT classes: loading and dequantising takes seconds, the checks themselves are short.
 * {@link #generator} and {@link #scores} run the path the runtime serves with: the compiled decoder
 * in {@link WeightFormat#configured()} (INT4 by default on a CPU with native BF16, else FP16;
 * {@code -Dgemrag.model.weights=eager} checks the eager forward instead). Never closed: its native
 * memory goes with the JVM.
 */
final class RealModel {
    private static RealModel instance;

    final Checkpoint checkpoint;
    final HfTextTokenizer tokenizer;
    final LlamaModel llama;
    final CompiledDecoder compiled; // null when the configured format is EAGER
    final Generator generator;
    final ChatTemplate chat;

    private RealModel(Path path) {
        long t0 = System.nanoTime();
        this.checkpoint = CheckpointLoader.load(path);
        this.tokenizer = HfTextTokenizer.of(checkpoint);
        this.llama = LlamaModel.create(checkpoint.config(), checkpoint.weights());
        WeightFormat format = WeightFormat.configured();
        this.compiled = format == WeightFormat.EAGER ? null : CompiledDecoder.create(llama, format);
        this.generator =
                compiled == null
                        ? new Generator(llama, tokenizer, checkpoint.eosTokenIds())
                        : new Generator(compiled, tokenizer, checkpoint.eosTokenIds());
        this.chat = ChatTemplate.fromJinja(checkpoint.chatTemplate());
        System.out.printf(
                "RealModel: loaded %s in %.1f s, serving path %s%n",
                path.getFileName(), (System.nanoTime() - t0) / 1e9, format);
    }

    /**
     * Causal token scores on the serving path: the eager forward, or the compiled decoder one token
     * per call (the decode steps, which is where FP16 weights are used; BF16 serves prefill too).
     */
    TokenScores scores(int[] ids) {
        return compiled == null
                ? TokenScores.causal(llama, ids)
                : TokenScores.decoded(compiled, ids);
    }

    static synchronized RealModel get() {
        if (instance == null) {
            instance =
                    new RealModel(
                            DefaultModel.path()); // cached, checksum-verified; fetched when missing
        }
        return instance;
    }
}
