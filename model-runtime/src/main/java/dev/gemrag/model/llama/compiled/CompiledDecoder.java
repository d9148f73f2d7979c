package dev.gemrag.model.llama.compiled;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.llama.KvCache;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.TorchRuntime;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The inference forward of a {@link LlamaModel} as one compiled TorchScript call per prefill chunk
 * or decode step (see {@link DecoderScript}), over the same weights: the eager model stays the
 * trainer and the oracle.
 *
 * <p>Built from the eager model after any LoRA is merged: q|k|v and gate|up are concatenated one
 * layer at a time, and with {@link WeightFormat#FP16} every projection and the head are
 * fbgemm-packed for decode steps; {@link WeightFormat#INT4} quantises the merged projections to
 * 4-bit groups ({@link Int4Weights}) instead, with the same FP16 head. Calls of more than one token
 * per row and {@link #forward} run on the {@link MultiTokenFormat}: the eager model's FP32 weights,
 * or BF16 copies of the merged projections with the FP32 ones released ({@link #create(LlamaModel,
 * WeightFormat, MultiTokenFormat)}, see {@link DecoderScript}; with FP16/INT4 decode weights their
 * logits then read the packed FP16 head and the FP32 token embedding and head are freed too). Each
 * call hands the script its ids' embedding rows ({@link LlamaModel#embeddingRows}: from the FP32
 * table while the model holds one, else decoded from the checkpoint). A summary-only adapter's LoRA
 * is applied inside a call through {@link ScriptLora}. The KV cache is the eager model's {@link
 * KvCache}, written in place by the script, so callers keep using its row selection and growth.
 * Device-agnostic: the script names no device; on CUDA the FP16 path would need fbgemm's GPU-less
 * ops replaced (unverified, no GPU here), so use FP32 there.
 *
 * <p>Not thread-safe (like the eager model).
 */
public final class CompiledDecoder implements AutoCloseable {
    /**
     * Architectures whose forward {@link DecoderScript} reproduces (the eager model's features at
     * the time).
     */
    private static final Set<String> ARCHITECTURES = Set.of("llama", "mistral", "qwen2");

    private static final Set<String> READ_WEIGHTS =
            Set.of(
                    "token_embd",
                    "output_norm",
                    "output",
                    "attn_norm",
                    "ffn_norm",
                    "wq",
                    "wk",
                    "wv",
                    "wo",
                    "w1",
                    "w2",
                    "w3",
                    "bq",
                    "bk",
                    "bv");

    private final LlamaModel model;
    private final WeightFormat format;
    private final MultiTokenFormat multiToken;
    private final NDManager manager;
    private final ScriptModule module;
    private final IValue cos;
    private final IValue sin;
    private final IValue norms;
    private final IValue linear;
    private final IValue bias;
    private final IValue head;
    private final IValue dense;
    private final IValue denseBias;
    private final IValue headDense; // the FP32 head (FP16's multi-token calls)
    private final IValue noCache;
    private final NDArray noExtra;
    private final Map<Object, ScriptLora> loras = new IdentityHashMap<>();
    private boolean shareAttentionCalls = TorchRuntime.mklReproducible();

    /** No per-row key ranges: attention follows the caller's mask. */
    private static final long[] NO_GROUPS = new long[0];

    private CompiledDecoder(
            LlamaModel model,
            WeightFormat format,
            MultiTokenFormat multiToken,
            UnaryOperator<String> scriptEdit) {
        this.model = model;
        this.format = format;
        this.multiToken = multiToken;
        boolean releaseFp32 = multiToken == MultiTokenFormat.BF16;
        // oneDNN's packed layout is a CPU one (on CUDA BF16 copies stay plain: unverified here)
        boolean packBf16 = MultiTokenFormat.nativeBf16() && !model.device().isGpu();
        LlamaConfig c = model.config();
        this.manager = model.newManager();
        List<IValue> owned = new ArrayList<>();
        try {
            this.module =
                    ScriptModule.compile(
                            manager,
                            DecoderScript.CLASS_NAME,
                            scriptEdit.apply(
                                    DecoderScript.methods(c, format, releaseFp32, packBf16)));
            NDArray[] rope = model.ropeTables();
            this.cos = IValue.from(pt(rope[0]));
            this.sin = IValue.from(pt(rope[1]));
            PtNDArray[] n = new PtNDArray[2 * c.numLayers() + 1];
            for (int i = 0; i < c.numLayers(); i++) {
                n[2 * i] = pt(model.normWeight(i, false));
                n[2 * i + 1] = pt(model.normWeight(i, true));
            }
            n[2 * c.numLayers()] = pt(model.outputNormWeight());
            this.norms = IValue.listFrom(n);
            if (format == WeightFormat.FP32) {
                PtNDArray[] w = new PtNDArray[4 * c.numLayers()];
                PtNDArray[] b = new PtNDArray[c.attentionBias() ? c.numLayers() : 0];
                for (int i = 0; i < c.numLayers(); i++) {
                    PtNDArray[] layer = layer(manager, i);
                    System.arraycopy(layer, 0, w, 4 * i, 4);
                    if (c.attentionBias()) {
                        b[i] = mergedBias(manager, i);
                    }
                }
                this.linear = IValue.listFrom(w);
                this.bias = IValue.listFrom(b);
                this.head = IValue.from(pt(model.outputHead()));
                this.dense = IValue.listFrom(new PtNDArray[0]);
                this.denseBias = IValue.listFrom(new PtNDArray[0]);
            } else {
                // one layer at a time: the merged FP32 temporaries of a layer are freed before the
                // next is merged (all at once they were 425 MB of extra peak for the 135M model)
                IValue packedHead = null;
                if (format == WeightFormat.FP16 || format == WeightFormat.INT4) {
                    IValue h = IValue.from(pt(model.outputHead()));
                    try {
                        packedHead = module.run("prepack_one", h);
                    } finally {
                        h.close();
                    }
                    if (releaseFp32) {
                        // every call now reads the packed head and gathers embedding rows from
                        // the checkpoint: free the FP32 table (and head) before the layers' copies
                        // are built, so the load peak never holds it beside them
                        model.releaseTokenTables();
                    }
                }
                IValue packed = null; // FP16
                IValue q4 = IValue.listFrom(new PtNDArray[0]); // INT4: codes, scales per weight
                PtNDArray[] q4Bias = new PtNDArray[c.attentionBias() ? c.numLayers() : 0];
                IValue bf = IValue.listFrom(new PtNDArray[0]); // BF16, or lean FP16's multi-token
                IValue bfBias = IValue.listFrom(new PtNDArray[0]);
                boolean wantBf16 = format == WeightFormat.BF16 || releaseFp32;
                for (int i = 0; i < c.numLayers(); i++) {
                    try (NDManager step = manager.newSubManager()) {
                        IValue ws = IValue.listFrom(layer(step, i));
                        IValue bs =
                                IValue.listFrom(
                                        c.attentionBias()
                                                ? new PtNDArray[] {mergedBias(step, i)}
                                                : new PtNDArray[0]);
                        try {
                            if (format == WeightFormat.FP16) {
                                packed =
                                        packed == null
                                                ? module.run("prepack", ws, bs)
                                                : replace(
                                                        packed,
                                                        module.run("prepack_more", packed, ws, bs));
                            }
                            if (format == WeightFormat.INT4) {
                                q4 = replace(q4, module.run("quant4_more", q4, ws));
                                if (c.attentionBias()) {
                                    q4Bias[i] = mergedBias(manager, i); // added in FP32
                                }
                            }
                            if (wantBf16) {
                                bf =
                                        replace(
                                                bf,
                                                module.run(
                                                        packBf16
                                                                ? "to_bf16_packed_more"
                                                                : "to_bf16_more",
                                                        bf,
                                                        ws));
                                bfBias = replace(bfBias, module.run("to_bf16_more", bfBias, bs));
                            }
                        } finally {
                            ws.close();
                            bs.close();
                        }
                    }
                    if (releaseFp32) {
                        // this layer's compiled copies exist: free its FP32 projections now, so
                        // a lazily loaded model never holds every layer in FP32 at once
                        model.baseLinear().releaseLayer(i);
                    }
                }
                if (format == WeightFormat.FP16 || format == WeightFormat.INT4) {
                    if (format == WeightFormat.FP16) {
                        this.linear = packed;
                        this.bias = IValue.listFrom(new PtNDArray[0]);
                        q4.close();
                    } else {
                        this.linear = q4;
                        this.bias = IValue.listFrom(q4Bias);
                    }
                    this.head = packedHead;
                } else {
                    q4.close();
                    this.linear = bf;
                    this.bias = bfBias;
                    this.head = IValue.from(pt(model.outputHead())); // FP32: see DecoderScript
                }
                if (releaseFp32 && format != WeightFormat.BF16) {
                    this.dense = bf;
                    this.denseBias = bfBias;
                } else if (releaseFp32) {
                    this.dense = IValue.listFrom(new PtNDArray[0]);
                    this.denseBias = IValue.listFrom(new PtNDArray[0]);
                } else {
                    if (format != WeightFormat.BF16) {
                        bf.close();
                        bfBias.close();
                    }
                    // the eager FP32 weights, unmerged and uncopied, for the multi-token calls
                    // and the embedding forward
                    PtNDArray[] d = new PtNDArray[7 * c.numLayers()];
                    String[] order = {"wq", "wk", "wv", "wo", "w1", "w2", "w3"};
                    PtNDArray[] db = new PtNDArray[c.attentionBias() ? 3 * c.numLayers() : 0];
                    for (int i = 0; i < c.numLayers(); i++) {
                        for (int j = 0; j < order.length; j++) {
                            d[7 * i + j] = pt(weight(i, order[j]));
                        }
                        if (c.attentionBias()) {
                            db[3 * i] = pt(bias(i, "wq"));
                            db[3 * i + 1] = pt(bias(i, "wk"));
                            db[3 * i + 2] = pt(bias(i, "wv"));
                        }
                    }
                    this.dense = IValue.listFrom(d);
                    this.denseBias = IValue.listFrom(db);
                }
            }
            // the FP32 head for multi-token calls; none when they read the packed head too
            this.headDense =
                    releaseFp32 && (format == WeightFormat.FP16 || format == WeightFormat.INT4)
                            ? IValue.from(pt(manager.zeros(new Shape(0, c.hiddenSize()))))
                            : IValue.from(pt(model.outputHead()));
            this.noCache = IValue.listFrom(new PtNDArray[0]);
            this.noExtra = manager.zeros(new Shape(0, c.hiddenSize()), DataType.FLOAT32);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Whether the compiled forward reproduces the eager one for this config. Only the plain Llama
     * block (llama/mistral/qwen2: RMSNorm, GQA, RoPE from the eager tables, SwiGLU, optional q/k/v
     * bias) is scripted; anything else (e.g. per-head q/k norms, other families) must stay eager
     * until scripted.
     */
    public static boolean supports(LlamaConfig config) {
        return ARCHITECTURES.contains(config.architecture()) && config.isPlainLlama();
    }

    /**
     * The first weight name the script would ignore (e.g. a q/k norm of another family), or null
     * when it reads them all; a model with such a weight must stay eager.
     */
    public static String unreadWeight(Set<String> names) {
        for (String n : names) {
            String local =
                    n.startsWith("layers.")
                            ? n.substring(n.indexOf('.', "layers.".length()) + 1)
                            : n;
            if (!READ_WEIGHTS.contains(local)) {
                return "weight " + n;
            }
        }
        return null;
    }

    /**
     * Why {@link WeightFormat#INT4} cannot hold this config's projections (an input dimension that
     * is not a multiple of its 32-column groups), or null when it can.
     */
    public static String int4Unsupported(LlamaConfig c) {
        int[] inputs = {c.hiddenSize(), c.numHeads() * c.headDim(), c.intermediateSize()};
        for (int k : inputs) {
            if (k % Int4Weights.GROUP != 0) {
                return "int4 weights need projection input sizes that are multiples of "
                        + Int4Weights.GROUP
                        + ", got "
                        + k;
            }
        }
        return null;
    }

    /**
     * Compiles the decoder for {@code model}'s current weights (merge LoRA before), multi-token
     * calls on the FP32 weights (the eager forward stays usable).
     */
    public static CompiledDecoder create(LlamaModel model, WeightFormat format) {
        return create(model, format, MultiTokenFormat.FP32);
    }

    /**
     * @param multiToken {@link MultiTokenFormat#BF16} (fp16, bf16 and int4 weights): the
     *     multi-token calls and the embedding forward run on BF16 copies of the merged projections
     *     (BF16 weights: on its one copy), and the eager model's FP32 projections are released once
     *     the compiled copies exist (inference only: the eager forward then refuses to run)
     */
    public static CompiledDecoder create(
            LlamaModel model, WeightFormat format, MultiTokenFormat multiToken) {
        return create(model, format, multiToken, UnaryOperator.identity());
    }

    /**
     * Benchmarks: the decoder with its script's source passed through {@code scriptEdit} first
     * (variants of a step compared in one process; see {@code DecodeStepAblation}).
     */
    static CompiledDecoder create(
            LlamaModel model,
            WeightFormat format,
            MultiTokenFormat multiToken,
            UnaryOperator<String> scriptEdit) {
        boolean releaseFp32 = multiToken == MultiTokenFormat.BF16;
        if (releaseFp32 && format == WeightFormat.FP32) {
            throw new IllegalArgumentException(
                    "fp32 weights run every call in FP32: no BF16 multi-token calls");
        }
        check(model, format);
        String int4 = format == WeightFormat.INT4 ? int4Unsupported(model.config()) : null;
        if (int4 != null) {
            throw new IllegalArgumentException(int4);
        }
        CompiledDecoder d = new CompiledDecoder(model, format, multiToken, scriptEdit);
        if (releaseFp32) {
            model.releaseProjections(); // nothing of the decoder refers to them
        }
        return d;
    }

    private static void check(LlamaModel model, WeightFormat format) {
        if (format == WeightFormat.EAGER) {
            throw new IllegalArgumentException("WeightFormat.EAGER has no compiled decoder");
        }
        if (!supports(model.config())) {
            throw new IllegalArgumentException(
                    "the compiled decoder does not support architecture '"
                            + model.config().architecture()
                            + "': use the eager model");
        }
    }

    public LlamaModel model() {
        return model;
    }

    public WeightFormat format() {
        return format;
    }

    /** What multi-token calls and the embedding forward run on (see {@link #create}). */
    public MultiTokenFormat multiToken() {
        return multiToken;
    }

    /** Whether the eager model's FP32 projections were released (BF16 multi-token calls). */
    public boolean releasedFp32() {
        return multiToken == MultiTokenFormat.BF16;
    }

    /**
     * Logits at one position per row, like {@code model.logitsAt(model.forward(ids, positions,
     * mask, cache), index)}.
     *
     * @param cache null (no cache: mask is {B or 1, 1, T, T}) or a cache of {@link #model()} that
     *     receives these tokens and advances by T
     * @return {B, vocab} in ids' manager
     */
    public NDArray logitsAt(
            NDArray ids, NDArray positions, NDArray mask, KvCache cache, int[] index) {
        Shape s = ids.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long[] flat = LlamaModel.flatRowIndex(b, t, index);
        NDManager out = ids.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDArray rows = scope.create(flat);
            return call("logits", ids, positions, mask, cache, out, rows, false, null, NO_GROUPS);
        }
    }

    /**
     * One decode step that is batch-invariant: row r attends to its own cache slots {@code
     * [firstSlot[r], cache.length() + 1)} with no mask (padding before them is never read), so a
     * row's logits are bitwise the ones it gets alone, in any batch (the step's GEMMs and norms
     * give a row the same result for any number of rows; see {@link DecoderScript}). Like {@link
     * #logitsAt} with a causal mask that hides each row's slots before firstSlot.
     *
     * @param ids {B, 1} INT64, the tokens to feed
     * @param positions {B, 1} INT64
     * @param cache a cache of {@link #model()} with B rows; receives the tokens and advances by 1
     * @return {B, vocab} in ids' manager
     */
    public NDArray decodeStep(NDArray ids, NDArray positions, KvCache cache, int[] firstSlot) {
        Shape s = ids.getShape();
        if (s.dimension() != 2 || s.get(1) != 1 || firstSlot.length != s.get(0)) {
            throw new IllegalArgumentException(
                    "a decode step takes {B, 1} ids and B first slots, got "
                            + s
                            + " and "
                            + firstSlot.length);
        }
        for (int r = 0; r < firstSlot.length; r++) {
            if (firstSlot[r] < 0 || firstSlot[r] > cache.length()) {
                throw new IllegalArgumentException(
                        "row "
                                + r
                                + "'s first slot "
                                + firstSlot[r]
                                + " is outside the cache's "
                                + cache.length()
                                + " filled slots");
            }
        }
        long[] groups = rowGroups(firstSlot, shareAttentionCalls);
        NDManager out = ids.getManager();
        try (NDManager scope = out.newSubManager()) {
            // the mask only satisfies the argument list: the per-row attention reads no mask
            NDArray mask = scope.zeros(new Shape(1, 1, 1, cache.length() + 1), DataType.FLOAT32);
            NDArray rows = scope.arange(0L, s.get(0), 1L, DataType.INT64);
            return call("logits", ids, positions, mask, cache, out, rows, false, null, groups);
        }
    }

    /**
     * Logits at the flattened positions {@code rows} ({@code b * T + t}), {rows, vocab}, in ids'
     * manager: for scoring a text's last tokens. Calls of more than one token per row read the
     * multi-token weights, as {@link #forward} does.
     */
    public NDArray logitsAtRows(
            NDArray ids, NDArray positions, NDArray mask, KvCache cache, long[] rows) {
        long n = ids.getShape().size();
        for (long r : rows) {
            if (r < 0 || r >= n) {
                throw new IllegalArgumentException("row " + r + " outside [0, " + n + ")");
            }
        }
        return logitsOf(ids, positions, mask, cache, scope -> scope.create(rows));
    }

    /**
     * The decode step's attention calls as (from row, to row, first slot) triples: one per row, or,
     * with {@code share}, one per run of adjacent rows that start at the same slot (each row's
     * result is then still its own: see {@link DecoderScript} and {@link
     * TorchRuntime#mklReproducible()}).
     */
    static long[] rowGroups(int[] firstSlot, boolean share) {
        long[] out = new long[3 * firstSlot.length];
        int n = 0;
        for (int r = 0; r < firstSlot.length; ) {
            int to = r + 1;
            while (share && to < firstSlot.length && firstSlot[to] == firstSlot[r]) {
                to++;
            }
            out[n++] = r;
            out[n++] = to;
            out[n++] = firstSlot[r];
            r = to;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * Whether decode steps share one attention call among adjacent rows with the same first slot
     * (default: when MKL runs reproducibly, {@link TorchRuntime#mklReproducible()}); benchmarks and
     * tests switch it to compare.
     */
    CompiledDecoder shareAttentionCalls(boolean share) {
        this.shareAttentionCalls = share;
        return this;
    }

    /**
     * Logits at every position, {B * T, vocab} (row-major), in ids' manager: for scoring whole
     * texts.
     */
    public NDArray logits(NDArray ids, NDArray positions, NDArray mask, KvCache cache) {
        long n = ids.getShape().size();
        return logitsOf(
                ids, positions, mask, cache, scope -> scope.arange(0L, n, 1L, DataType.INT64));
    }

    /** Logits at the flattened positions that {@code rows} builds in the call's scope. */
    private NDArray logitsOf(
            NDArray ids,
            NDArray positions,
            NDArray mask,
            KvCache cache,
            java.util.function.Function<NDManager, NDArray> rows) {
        NDManager out = ids.getManager();
        try (NDManager scope = out.newSubManager()) {
            return call(
                    "logits",
                    ids,
                    positions,
                    mask,
                    cache,
                    out,
                    rows.apply(scope),
                    false,
                    null,
                    NO_GROUPS);
        }
    }

    /**
     * Final-normed hidden states {B, T, hidden}, like {@code model.forward(...)}; in ids' manager.
     * Always on the multi-token weights (FP32, or BF16: {@link #multiToken()}), even for one token.
     */
    public NDArray forward(NDArray ids, NDArray positions, NDArray mask, KvCache cache) {
        return forward(ids, positions, mask, cache, null);
    }

    /**
     * {@link #forward(NDArray, NDArray, NDArray, KvCache)} with a LoRA added to every projection of
     * this call only (a summary-only adapter's summary step; null: none).
     */
    public NDArray forward(
            NDArray ids, NDArray positions, NDArray mask, KvCache cache, ScriptLora lora) {
        if (lora != null && lora.owner() != this) {
            throw new IllegalArgumentException("the LoRA was built for another compiled decoder");
        }
        return call(
                "hidden",
                ids,
                positions,
                mask,
                cache,
                ids.getManager(),
                null,
                true,
                lora,
                NO_GROUPS);
    }

    /**
     * A LoRA in the script's layout, owned (and closed) by this decoder; built once per {@code
     * source} (later calls with the same source return the same one).
     *
     * @param source the adapter object the pairs come from (identity is the key)
     * @param pairs for a projection name ({@code layers.i.wq}, ...): {A^T {in, r}, scale * B^T {r,
     *     out}}, or null where the LoRA has no such target
     */
    public ScriptLora lora(Object source, Function<String, NDArray[]> pairs) {
        return loras.computeIfAbsent(
                source, s -> ScriptLora.of(this, model.config(), manager, pairs));
    }

    private NDArray call(
            String method,
            NDArray ids,
            NDArray positions,
            NDArray mask,
            KvCache cache,
            NDManager out,
            NDArray rows,
            boolean forceDense,
            ScriptLora lora,
            long[] groups) {
        Shape s = ids.getShape();
        if (s.dimension() != 2 || !positions.getShape().equals(s)) {
            throw new IllegalArgumentException(
                    "ids and positions must both be {B, T}, got "
                            + s
                            + " and "
                            + positions.getShape());
        }
        if (ids.getDataType() != DataType.INT64 || positions.getDataType() != DataType.INT64) {
            throw new IllegalArgumentException(
                    "ids and positions must be INT64, got "
                            + ids.getDataType()
                            + " and "
                            + positions.getDataType());
        }
        int t = (int) s.get(1);
        int start = 0;
        if (cache != null) {
            cache.checkRoom(t, s.get(0));
            start = cache.length();
        }
        Shape ms = mask.getShape();
        if (ms.dimension() != 4 || ms.get(2) != t || ms.get(3) != start + t) {
            throw new IllegalArgumentException(
                    "attention mask "
                            + ms
                            + " does not match "
                            + t
                            + " queries x "
                            + (start + t)
                            + " keys");
        }
        List<IValue> args = new ArrayList<>(20);
        try (NDManager scope = out.newSubManager()) {
            args.add(IValue.from(pt(ids)));
            args.add(IValue.from(pt(positions)));
            args.add(IValue.from(pt(mask)));
            if (cache == null) {
                args.add(noCache);
                args.add(noCache);
            } else {
                PtNDArray[] k = new PtNDArray[cache.layers()];
                PtNDArray[] v = new PtNDArray[cache.layers()];
                for (int i = 0; i < k.length; i++) {
                    k[i] = pt(cache.keys(i));
                    v[i] = pt(cache.values(i));
                }
                args.add(IValue.listFrom(k));
                args.add(IValue.listFrom(v));
            }
            args.add(IValue.from((long) start));
            args.add(IValue.from(pt(model.embeddingRows(ids, scope))));
            NDArray extra = model.extraEmbeddings();
            args.add(IValue.from(pt(extra == null ? noExtra : extra)));
            args.add(cos);
            args.add(sin);
            args.add(norms);
            args.add(linear);
            args.add(bias);
            args.add(dense);
            args.add(denseBias);
            args.add(IValue.from(forceDense));
            args.add(lora == null ? noCache : lora.a());
            args.add(lora == null ? noCache : lora.b());
            args.add(IValue.listFrom(groups));
            if (rows != null) {
                args.add(IValue.from(pt(rows)));
                args.add(head);
                args.add(headDense);
            }
            IValue result = module.run(method, args.toArray(new IValue[0]));
            try {
                NDArray r = result.toTensor((PtNDManager) out);
                if (cache != null) {
                    cache.advance(t);
                }
                return r;
            } finally {
                result.close();
            }
        } finally {
            for (IValue v : args) {
                if (!isShared(v)) {
                    v.close();
                }
            }
        }
    }

    private boolean isShared(IValue v) {
        for (ScriptLora l : loras.values()) {
            if (v == l.a() || v == l.b()) {
                return true;
            }
        }
        return v == cos
                || v == sin
                || v == norms
                || v == linear
                || v == bias
                || v == head
                || v == dense
                || v == denseBias
                || v == headDense
                || v == noCache;
    }

    /** Layer i's q|k|v (merged in {@code target}), o, gate|up (merged), down. */
    private PtNDArray[] layer(NDManager target, int i) {
        return new PtNDArray[] {
            merged(target, weight(i, "wq"), weight(i, "wk"), weight(i, "wv")),
            pt(weight(i, "wo")),
            merged(target, weight(i, "w1"), weight(i, "w3")),
            pt(weight(i, "w2"))
        };
    }

    /** {@code next} (a method's result that supersedes {@code previous}); closes previous. */
    private static IValue replace(IValue previous, IValue next) {
        if (previous != null) {
            previous.close();
        }
        return next;
    }

    private NDArray weight(int layer, String name) {
        return model.baseLinear().weight(LlamaWeights.layer(layer, name));
    }

    private static PtNDArray merged(NDManager target, NDArray... parts) {
        NDArray m = NDArrays.concat(new ai.djl.ndarray.NDList(parts), 0);
        m.attach(target);
        return pt(m);
    }

    private PtNDArray mergedBias(NDManager target, int layer) {
        return merged(target, bias(layer, "wq"), bias(layer, "wk"), bias(layer, "wv"));
    }

    private NDArray bias(int layer, String projection) {
        NDArray b = model.baseLinear().bias(LlamaWeights.layer(layer, projection));
        if (b == null) {
            throw new IllegalStateException(
                    "config has attention bias but "
                            + LlamaWeights.layer(layer, projection)
                            + " has none");
        }
        return b;
    }

    private static PtNDArray pt(NDArray a) {
        return (PtNDArray) a;
    }

    @Override
    public void close() {
        for (ScriptLora l : loras.values()) {
            l.close();
        }
        for (IValue v :
                new IValue[] {
                    cos, sin, norms, linear, bias, head, dense, denseBias, headDense, noCache
                }) {
            v.close();
        }
        module.close();
        manager.close();
    }
}
