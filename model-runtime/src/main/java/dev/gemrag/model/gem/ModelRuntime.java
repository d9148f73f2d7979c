package dev.gemrag.model.gem;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.annotations.PublicApi;
import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.CheckpointLoader;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.Pooling;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.generate.ChatTemplate;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import dev.gemrag.model.llama.compiled.MultiTokenFormat;
import dev.gemrag.model.llama.compiled.WeightFormat;
import dev.gemrag.model.tokenizer.FramedTokenizer;
import dev.gemrag.model.tokenizer.HfTextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@link GemLanguageModel}s: a base checkpoint plus an optional GEM adapter.
 *
 * <p>With an adapter: its checksum must match the base, every LoRA is merged into W once on the
 * device ({@code W += alpha/rank * B @ A}), and its summary rows become the extra embedding rows;
 * embedding uses GEM pooling and the adapter's instructions. Without one: the base weights with
 * MEAN or LAST pooling (a baseline).
 */
@PublicApi
public final class ModelRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRuntime.class);

    private ModelRuntime() {}

    /** Pooling of a base model served without an adapter. */
    public static final Pooling BASE_POOLING = Pooling.MEAN;

    /**
     * The default model: base from {@code --model} / $GEMRAG_MODEL_PATH / the default SmolLM2 GGUF,
     * adapter from {@link DefaultAdapter} (explicit, $GEMRAG_MODEL_ADAPTER, or the bundled one when
     * it fits the base).
     *
     * @param modelOrNull base model path, or null
     * @param adapterOrNull adapter descriptor path or "none", or null
     */
    public static GemLanguageModel loadDefault(String modelOrNull, String adapterOrNull) {
        return ModelSelection.resolve(modelOrNull, adapterOrNull).load();
    }

    /** Base + adapter (null: none, {@link #BASE_POOLING}); a mismatching adapter is refused. */
    public static GemLanguageModel load(Path base, Path adapterOrNull) {
        return load(base, adapterOrNull, BASE_POOLING, false);
    }

    /**
     * @param lenient when true an adapter trained for another base is skipped with a warning
     *     instead of refused (used for the bundled default adapter only)
     */
    public static GemLanguageModel load(
            Path base, Path adapterOrNull, Pooling basePooling, boolean lenient) {
        GemAdapter adapter = null;
        if (adapterOrNull != null) {
            try {
                adapter = GemAdapter.read(adapterOrNull);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
        Checkpoint checkpoint = loadCheckpoint(base);
        if (adapter != null
                && lenient
                && !adapter.descriptor()
                        .baseModel()
                        .sha256()
                        .equalsIgnoreCase(checkpoint.sha256())) {
            LOG.warn(
                    "bundled GEM adapter {} was trained for another base; serving {} with {} pooling",
                    adapterOrNull,
                    base.getFileName(),
                    basePooling);
            adapter = null;
        } else if (adapter == null) {
            LOG.warn(
                    "no GEM adapter: embeddings use {} pooling of the base model (a weak baseline)",
                    basePooling);
        }
        HfTextTokenizer tokenizer = HfTextTokenizer.of(checkpoint);
        try {
            Function<List<ChatMessage>, String> chat = null;
            if (checkpoint.chatTemplate() != null && !checkpoint.chatTemplate().isBlank()) {
                ChatTemplate template = chatTemplate(checkpoint, tokenizer);
                chat = template::render;
                checkpoint = withEndOfTurn(checkpoint, template, tokenizer);
            }
            GemLanguageModel model =
                    fromCheckpoint(
                            checkpoint,
                            adapter,
                            tokenizer,
                            basePooling,
                            chat,
                            WeightFormat.configured(),
                            MultiTokenFormat.configured());
            if (model.compiled() != null && model.compiled().releasedFp32()) {
                // a Hugging Face checkpoint's released direct buffers are garbage only now that
                // the checkpoint is too; without a collection they would stay resident until the
                // heap fills (a GGUF's lazily decoded weights were freed when released)
                checkpoint = null;
                System.gc();
            }
            return model;
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /**
     * The model's own Jinja template, with its BOS/EOS texts for {@code bos_token}/{@code
     * eos_token}.
     */
    static ChatTemplate chatTemplate(Checkpoint checkpoint, HfTextTokenizer tokenizer) {
        String bos =
                checkpoint.bosTokenId() >= 0
                        ? tokenizer.decode(new int[] {checkpoint.bosTokenId()})
                        : "";
        int eosId = checkpoint.eosTokenIds().isEmpty() ? -1 : checkpoint.eosTokenIds().get(0);
        String eos = eosId >= 0 ? tokenizer.decode(new int[] {eosId}) : "";
        return ChatTemplate.fromJinja(checkpoint.chatTemplate(), bos, eos);
    }

    /**
     * Generation also stops on the token that closes an assistant turn in the model's own template.
     */
    static Checkpoint withEndOfTurn(
            Checkpoint c, ChatTemplate template, HfTextTokenizer tokenizer) {
        Map<String, Integer> special = tokenizer.specialTokens().asMap();
        Integer id = template.endOfTurn(special.keySet()).map(special::get).orElse(null);
        if (id == null || c.eosTokenIds().contains(id)) {
            return c;
        }
        List<Integer> stops = new ArrayList<>(c.eosTokenIds());
        stops.add(id);
        LOG.info("chat template ends turns with token {}: generation stops on it too", id);
        return new Checkpoint(
                c.source(),
                c.sha256(),
                c.config(),
                c.weights(),
                c.tokenizerJson(),
                c.chatTemplate(),
                c.bosTokenId(),
                List.copyOf(stops),
                c.appendEosTokenId());
    }

    /** A GGUF file or a Hugging Face directory. */
    public static Checkpoint loadCheckpoint(Path base) {
        return CheckpointLoader.load(base);
    }

    /**
     * For callers that also run the eager forward ({@link GemLanguageModel#llama()}: training and
     * its tests): the configured weight format, multi-token calls on the FP32 weights, which stay.
     * Serving loads through {@link #load} (the configured {@link MultiTokenFormat}).
     *
     * @param adapter null for the plain base model
     * @param basePooling pooling when there is no adapter (MEAN or LAST); ignored with an adapter
     * @param chatTemplate renders chat messages (null: none)
     */
    public static GemLanguageModel fromCheckpoint(
            Checkpoint base,
            GemAdapter adapter,
            TextTokenizer tokenizer,
            Pooling basePooling,
            Function<List<ChatMessage>, String> chatTemplate) {
        return fromCheckpoint(
                base, adapter, tokenizer, basePooling, chatTemplate, WeightFormat.configured());
    }

    /**
     * @param format the inference path: compiled FP16/FP32 (where supported) or EAGER; multi-token
     *     calls on the FP32 weights
     */
    public static GemLanguageModel fromCheckpoint(
            Checkpoint base,
            GemAdapter adapter,
            TextTokenizer tokenizer,
            Pooling basePooling,
            Function<List<ChatMessage>, String> chatTemplate,
            WeightFormat format) {
        return fromCheckpoint(
                base, adapter, tokenizer, basePooling, chatTemplate, format, MultiTokenFormat.FP32);
    }

    /**
     * @param format the inference path: compiled FP16/FP32 (where supported) or EAGER
     * @param multiToken what the compiled decoder's multi-token calls and embedding pass run on;
     *     with BF16 the eager FP32 projections are never all held and are released after compiling
     *     (FP32 or EAGER weights, an eager embedding pass or an unsupported model keep FP32)
     */
    public static GemLanguageModel fromCheckpoint(
            Checkpoint base,
            GemAdapter adapter,
            TextTokenizer tokenizer,
            Pooling basePooling,
            Function<List<ChatMessage>, String> chatTemplate,
            WeightFormat format,
            MultiTokenFormat multiToken) {
        EmbeddingSettings settings;
        if (adapter != null) {
            adapter.checkCompatible(base);
            settings = EmbeddingSettings.of(adapter.descriptor());
        } else {
            if (basePooling == Pooling.GEM) {
                throw new IllegalArgumentException(
                        "GEM pooling needs an adapter with trained summary rows");
            }
            settings =
                    EmbeddingSettings.base(
                            basePooling, Math.min(512, base.config().maxPositions()));
        }
        multiToken = effectiveMultiToken(base, format, multiToken);
        // when the FP32 projections are to be released after compiling, decode each only when the
        // compiled decoder packs its layer (and free it then): the load peak never holds them all
        boolean lazy = multiToken == MultiTokenFormat.BF16;
        LlamaModel model =
                lazy
                        ? LlamaModel.createLazy(base.config(), base.weights())
                        : LlamaModel.create(base.config(), base.weights());
        try {
            SummaryLora summaryLinear = null;
            if (adapter != null) {
                AdapterDescriptor.Lora lora = adapter.descriptor().lora();
                if (lora != null && lora.summaryOnly()) {
                    summaryLinear = SummaryLora.of(model, adapter); // W stays the base model's
                } else {
                    mergeLora(model, adapter);
                }
                model.setExtraEmbeddings(rows(adapter.summaryEmbeddings()));
            }
            String id = modelId(base, adapter, settings);
            CompiledDecoder compiled = compiledDecoder(base, model, format, multiToken);
            LOG.info(
                    "model {} ready: {} layers, hidden {}, pooling {}, k {}, max tokens {}, forward {}{}",
                    id,
                    base.config().numLayers(),
                    base.config().hiddenSize(),
                    settings.pooling(),
                    settings.k(),
                    settings.maxTokens(),
                    compiled == null
                            ? "eager"
                            : "compiled "
                                    + compiled.format()
                                    + ", multi-token "
                                    + compiled.multiToken()
                                    + (compiled.releasedFp32() ? " (FP32 released)" : ""),
                    summaryLinear == null ? "" : ", LoRA at the summary step only");
            try {
                return new GemLanguageModel(
                        id,
                        model,
                        compiled,
                        tokenizer,
                        FramedTokenizer.of(tokenizer, base),
                        settings,
                        base.eosTokenIds(),
                        chatTemplate,
                        summaryLinear);
            } catch (RuntimeException e) {
                if (compiled != null) {
                    compiled.close();
                }
                throw e;
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * {@code requested}, or FP32 where BF16 multi-token calls cannot apply: FP32 or EAGER weights
     * (every call FP32), an eager embedding pass (it needs the FP32 weights) or a model the
     * compiled decoder does not support (it stays eager).
     */
    static MultiTokenFormat effectiveMultiToken(
            Checkpoint base, WeightFormat format, MultiTokenFormat requested) {
        if (requested == MultiTokenFormat.FP32
                || format == WeightFormat.FP32
                || format == WeightFormat.EAGER
                || unsupported(base) != null) {
            return MultiTokenFormat.FP32;
        }
        if (!Boolean.parseBoolean(
                System.getProperty(GemLanguageModel.COMPILED_EMBEDDING_PROPERTY, "true"))) {
            LOG.warn(
                    "{}=false: the eager embedding pass needs the FP32 weights, multi-token calls"
                            + " stay FP32",
                    GemLanguageModel.COMPILED_EMBEDDING_PROPERTY);
            return MultiTokenFormat.FP32;
        }
        return requested;
    }

    /**
     * What of the checkpoint the compiled decoder does not implement (architecture, or a weight it
     * does not read), or null.
     */
    private static String unsupported(Checkpoint base) {
        return !CompiledDecoder.supports(base.config())
                ? "architecture " + base.config().architecture()
                : CompiledDecoder.unreadWeight(base.weights().all().keySet());
    }

    /**
     * The compiled decoder in {@code format}, or null (eager) when the format is EAGER or the
     * checkpoint has anything the script does not implement.
     */
    static CompiledDecoder compiledDecoder(
            Checkpoint base, LlamaModel model, WeightFormat format, MultiTokenFormat multiToken) {
        if (format == WeightFormat.EAGER) {
            return null;
        }
        String unsupported = unsupported(base);
        if (unsupported != null) {
            LOG.warn(
                    "compiled decoder does not support {} of {}: serving with the eager forward",
                    unsupported,
                    base.source().getFileName());
            return null;
        }
        String int4 =
                format == WeightFormat.INT4 ? CompiledDecoder.int4Unsupported(base.config()) : null;
        if (int4 != null) {
            if (WeightFormat.isSet()) {
                LOG.warn("{}: serving with fp16 weights", int4);
            } else {
                LOG.info("{}: serving with fp16 weights", int4); // the default, not a choice
            }
            format = WeightFormat.FP16;
        }
        return CompiledDecoder.create(model, format, multiToken);
    }

    /** {@code W += (alpha / rank) * B @ A} for every LoRA target, on the model's device, once. */
    static void mergeLora(LlamaModel model, GemAdapter adapter) {
        AdapterDescriptor.Lora lora = adapter.descriptor().lora();
        if (lora == null) {
            return;
        }
        try (NDManager m = model.newManager()) {
            for (int i = 0; i < model.config().numLayers(); i++) {
                for (String t : lora.targets()) {
                    try (NDManager step = m.newSubManager()) {
                        NDArray a = toArray(step, adapter.tensors().get(GemAdapter.loraA(i, t)));
                        NDArray b = toArray(step, adapter.tensors().get(GemAdapter.loraB(i, t)));
                        model.baseLinear()
                                .mergeDelta(
                                        LlamaWeights.layer(i, t), b.matMul(a).muli(lora.scale()));
                    }
                }
            }
        }
    }

    private static NDArray toArray(NDManager m, WeightTensor t) {
        return m.create(t.data(), new Shape(t.shape()));
    }

    private static float[][] rows(WeightTensor t) {
        int k = (int) t.shape()[0];
        int h = (int) t.shape()[1];
        float[][] out = new float[k][h];
        for (int j = 0; j < k; j++) {
            System.arraycopy(t.data(), j * h, out[j], 0, h);
        }
        return out;
    }

    /**
     * e.g. {@code smollm2-135m-instruct-q4_1-gem1-3fa2c1d0} (adapter: k and the first 8 hex of a
     * hash of its summary rows, so a retrained adapter gets a new id) or {@code ...-q4_1-last}.
     */
    static String modelId(Checkpoint base, GemAdapter adapter, EmbeddingSettings settings) {
        String file = base.source().getFileName().toString();
        String stem =
                file.replaceFirst("\\.(gguf|safetensors)$", "")
                        .toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9_]+", "-")
                        .replaceAll("(^-|-$)", "");
        if (adapter == null) {
            return stem + "-" + settings.pooling().name().toLowerCase(Locale.ROOT);
        }
        return stem + "-gem" + settings.k() + "-" + adapterHash(adapter);
    }

    private static String adapterHash(GemAdapter adapter) {
        long h = 1125899906842597L;
        for (WeightTensor t : adapter.tensors().values()) {
            for (float f : t.data()) {
                h = 31 * h + Float.floatToIntBits(f);
            }
        }
        return String.format("%08x", (int) (h ^ (h >>> 32)));
    }
}
