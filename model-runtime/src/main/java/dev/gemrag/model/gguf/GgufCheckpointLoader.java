package dev.gemrag.model.gguf;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.WeightShapes;
import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.fetch.FileChecksums;
import dev.gemrag.model.gguf.dequant.Dequantizers;
import dev.gemrag.model.tokenizer.EndOfGeneration;
import dev.gemrag.model.tokenizer.GgufTokenizerConverter;
import dev.gemrag.model.tokenizer.SpecialTokens;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a GGUF file into a {@link Checkpoint}: config from metadata, every weight dequantised to
 * FP32 lazily (on first use, see {@link WeightTensor#lazy}), and the vocabulary converted to a
 * tokenizer.json.
 *
 * <p>{@code bosTokenId} is the BOS to prepend, -1 when the file says not to add one ({@code
 * tokenizer.ggml.add_bos_token = false}, as SmolLM2).
 */
public final class GgufCheckpointLoader {
    private static final Logger LOG = LoggerFactory.getLogger(GgufCheckpointLoader.class);

    private GgufCheckpointLoader() {}

    public static Checkpoint load(Path path) {
        long start = System.nanoTime();
        GgufFile file = GgufReader.read(path);
        LlamaConfig config = GgufConfigMapper.map(file);
        LlamaWeights weights = new LlamaWeights(readWeights(file));
        WeightShapes.check(path, config, weights);
        GgufMetadata md = file.metadata();
        String tokenizerJson = GgufTokenizerConverter.toTokenizerJson(md, path);
        Map<String, Integer> added = SpecialTokens.parse(tokenizerJson).asMap();
        List<Integer> declared = new ArrayList<>();
        declared.add(md.integer("tokenizer.ggml.eos_token_id", -1));
        declared.add(md.integer("tokenizer.ggml.eot_token_id", -1));
        declared.add(md.integer("tokenizer.ggml.eom_token_id", -1));
        int bos = addBos(md) ? md.integer("tokenizer.ggml.bos_token_id", -1) : -1;
        int eos =
                md.bool("tokenizer.ggml.add_eos_token", false)
                        ? md.integer("tokenizer.ggml.eos_token_id", -1)
                        : -1;
        Checkpoint cp =
                new Checkpoint(
                        path,
                        FileChecksums.sha256(path),
                        config,
                        weights,
                        tokenizerJson,
                        md.string("tokenizer.chat_template", null),
                        bos,
                        EndOfGeneration.ids(declared, added),
                        eos);
        LOG.info(
                "loaded {} ({}, {} layers, {} weights) in {} ms",
                path.getFileName(),
                config.architecture(),
                config.numLayers(),
                weights.all().size(),
                (System.nanoTime() - start) / 1_000_000);
        return cp;
    }

    /**
     * llama.cpp's rule: the file's {@code tokenizer.ggml.add_bos_token} when present; otherwise
     * SentencePiece vocabularies ({@code llama}) add one, and byte-level BPE ({@code gpt2}) ones
     * only for the pre-tokenizers llama.cpp marks so (Llama 3's {@code llama-bpe} and kin).
     */
    static boolean addBos(GgufMetadata md) {
        if (md.has("tokenizer.ggml.add_bos_token")) {
            return md.bool("tokenizer.ggml.add_bos_token", false);
        }
        String model = md.string("tokenizer.ggml.model", "");
        return "llama".equals(model)
                || "gpt2".equals(model)
                        && BPE_WITH_BOS.contains(md.string("tokenizer.ggml.pre", "default"));
    }

    /** Pre-tokenizer names for which llama.cpp adds a BOS by default (llama-vocab.cpp). */
    private static final java.util.Set<String> BPE_WITH_BOS =
            java.util.Set.of(
                    "llama3",
                    "llama-v3",
                    "llama-bpe",
                    "falcon3",
                    "falcon-h1",
                    "pixtral",
                    "midm-2.0",
                    "lfm2",
                    "tekken",
                    "chameleon");

    /** Dequantises the tensors the forward pass uses, keyed by canonical name, in file order. */
    static Map<String, WeightTensor> readWeights(GgufFile file) {
        Map<String, String> canonicalByGguf = new LinkedHashMap<>();
        for (GgufTensorInfo t : file.tensors().values()) {
            String canonical = GgufTensorNames.canonical(t.name());
            if (canonical == null) {
                LOG.debug("{}: ignoring tensor {}", file.path(), t.name());
                continue;
            }
            if (!Dequantizers.supports(t.type())) {
                throw new GgufFormatException(
                        file.path()
                                + ": tensor '"
                                + t.name()
                                + "' has unsupported type "
                                + t.typeName()
                                + " (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K)");
            }
            canonicalByGguf.put(t.name(), canonical);
        }
        // lazy: each weight is decoded from the mapped file when the model asks for it, straight
        // into memory the tensor library owns where it can (no FP32 copy on the heap, and a
        // compiled model decodes, packs and frees one layer at a time); the token embedding's
        // rows also one at a time (a compiled model holds no FP32 table)
        Map<String, WeightTensor> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : canonicalByGguf.entrySet()) {
            GgufTensorInfo t = file.tensor(e.getKey());
            if (t.count() > Integer.MAX_VALUE) {
                throw new GgufFormatException(
                        file.path() + ": tensor '" + t.name() + "' is too large for one array");
            }
            MappedBuffers.unmap(file.map(t)); // a truncated file fails here, not at first use
            ordered.put(
                    e.getValue(),
                    WeightTensor.lazy(e.getValue(), t.shape(), new GgufWeightSource(file, t)));
        }
        return ordered;
    }
}
