package dev.gemrag.model.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.WeightTensor;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A Llama-family decoder on DJL/PyTorch: token embedding, N blocks (RMSNorm, GQA attention with
 * RoPE and an explicit mask, RMSNorm, SwiGLU), final RMSNorm, and an output head applied only where
 * asked.
 *
 * <p>Weights are FP32 in the model's own NDManager (FP16 matmuls are ~60x slower on CPU). The
 * forward is functional: ids, positions and the additive mask come from the caller, so any
 * attention pattern works (causal, padded batches, GEM summary tokens). It is differentiable with
 * DJL's autograd: no in-place op touches anything that can require a gradient (only the KV cache is
 * written in place; pass no cache when training).
 *
 * <p>Extension points for GEM and LoRA: {@link #setExtraEmbeddings} (token ids {@code >= vocabSize}
 * index extra input rows; the head keeps the base vocabulary) and {@link #setLinear} (every
 * projection goes through one {@link LinearWeights}).
 *
 * <p>Not thread-safe: one caller at a time.
 */
public final class LlamaModel implements AutoCloseable {
    /** Additive mask value for "may not attend" (-inf would turn fully masked rows into NaN). */
    public static final float MASKED = -1e9f;

    private final LlamaConfig config;
    private final NDManager manager;
    private final WeightTensor tokenEmbeddingSource; // the checkpoint's, for rows without a table
    private NDArray tokenEmbedding; // {vocab, hidden}; null once released
    private NDArray untiedHead; // {vocab, hidden}, null when tied (or released)
    private NDArray outputHeadT; // {hidden, vocab}, a view of the head (tied: of the embedding)
    private final RmsNorm outputNorm;
    private final Block[] blocks;
    private final Rope rope;
    private final DenseLinear baseLinear;
    private LinearWeights linear;
    private NDArray extraEmbeddings; // {k, hidden} or null
    private NDManager extraOwner; // non-null when we created extraEmbeddings ourselves

    private LlamaModel(
            LlamaConfig config, LlamaWeights weights, Device device, boolean lazyProjections) {
        this.config = Objects.requireNonNull(config, "config");
        TorchRuntime.ensureConfigured();
        this.manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            this.tokenEmbeddingSource = weights.get("token_embd");
            this.tokenEmbedding = DenseLinear.toArray(manager, tokenEmbeddingSource);
            checkShape(tokenEmbedding, "token_embd", config.vocabSize(), config.hiddenSize());
            this.untiedHead =
                    config.tiedEmbeddings()
                            ? null
                            : DenseLinear.toArray(manager, weights.get("output"));
            NDArray head = config.tiedEmbeddings() ? tokenEmbedding : untiedHead;
            checkShape(head, "output", config.vocabSize(), config.hiddenSize());
            this.outputHeadT = head.transpose();
            this.outputNorm = norm(weights, "output_norm");
            this.baseLinear = new DenseLinear(config, weights, manager, lazyProjections);
            checkProjectionShapes();
            this.linear = baseLinear;
            this.blocks = new Block[config.numLayers()];
            for (int i = 0; i < blocks.length; i++) {
                Attention attention =
                        config.qkNorm()
                                ? new Attention(
                                        config,
                                        i,
                                        headNorm(weights, LlamaWeights.layer(i, "q_norm")),
                                        headNorm(weights, LlamaWeights.layer(i, "k_norm")))
                                : new Attention(config, i);
                blocks[i] =
                        new Block(
                                norm(weights, LlamaWeights.layer(i, "attn_norm")),
                                attention,
                                norm(weights, LlamaWeights.layer(i, "ffn_norm")),
                                new Mlp(i));
            }
            this.rope =
                    new Rope(
                            config.ropeLayout(),
                            config.headDim(),
                            config.ropeTheta(),
                            config.ropeScaling(),
                            Math.max(config.maxPositions(), 1),
                            manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Copies the weights to {@link TorchRuntime#defaultDevice()}. The heap copy may be dropped
     * afterwards.
     */
    public static LlamaModel create(LlamaConfig config, LlamaWeights weights) {
        return new LlamaModel(config, weights, TorchRuntime.defaultDevice(), false);
    }

    public static LlamaModel create(LlamaConfig config, LlamaWeights weights, Device device) {
        return new LlamaModel(config, weights, device, false);
    }

    /**
     * Like {@link #create(LlamaConfig, LlamaWeights)}, but each projection is decoded on first use:
     * for a model whose compiled decoder packs one layer at a time and releases the FP32
     * projections ({@link dev.gemrag.model.llama.compiled.CompiledDecoder}), so the load never
     * holds all of them at once. The results are the same.
     */
    public static LlamaModel createLazy(LlamaConfig config, LlamaWeights weights) {
        return new LlamaModel(config, weights, TorchRuntime.defaultDevice(), true);
    }

    private RmsNorm norm(LlamaWeights weights, String name) {
        NDArray w = DenseLinear.toArray(manager, weights.get(name));
        checkShape(w, name, config.hiddenSize());
        return new RmsNorm(w, config.rmsNormEps());
    }

    /** Qwen3's per-head q/k RMSNorm: a {headDim} weight applied to every head. */
    private RmsNorm headNorm(LlamaWeights weights, String name) {
        NDArray w = DenseLinear.toArray(manager, weights.get(name));
        checkShape(w, name, config.headDim());
        return new RmsNorm(w, config.rmsNormEps());
    }

    private void checkProjectionShapes() {
        long h = config.hiddenSize();
        long q = (long) config.numHeads() * config.headDim();
        long kv = (long) config.numKvHeads() * config.headDim();
        long inter = config.intermediateSize();
        for (int i = 0; i < config.numLayers(); i++) {
            checkProjection(i, "wq", q, h);
            checkProjection(i, "wk", kv, h);
            checkProjection(i, "wv", kv, h);
            checkProjection(i, "wo", h, q);
            checkProjection(i, "w1", inter, h);
            checkProjection(i, "w2", h, inter);
            checkProjection(i, "w3", inter, h);
        }
    }

    private void checkProjection(int layer, String name, long rows, long cols) {
        String weight = LlamaWeights.layer(layer, name);
        Shape shape = baseLinear.shape(weight);
        if (!shape.equals(new Shape(rows, cols))) {
            throw new IllegalArgumentException(
                    "weight '"
                            + weight
                            + "' has shape "
                            + shape
                            + ", config needs "
                            + new Shape(rows, cols));
        }
    }

    private static void checkShape(NDArray a, String name, long... expected) {
        if (!a.getShape().equals(new Shape(expected))) {
            throw new IllegalArgumentException(
                    "weight '"
                            + name
                            + "' has shape "
                            + a.getShape()
                            + ", config needs "
                            + new Shape(expected));
        }
    }

    public LlamaConfig config() {
        return config;
    }

    public Device device() {
        return manager.getDevice();
    }

    /**
     * A new manager on the model's device, for the caller's inputs and results (close it when
     * done). Arrays passed to {@link #forward} must be on {@link #device()}.
     */
    public NDManager newManager() {
        return manager.newSubManager();
    }

    /** Vocabulary of the output head (extra input rows excluded). */
    public int vocabSize() {
        return config.vocabSize();
    }

    /**
     * The plain projections of the loaded weights (wrap it for LoRA; merge deltas into it for
     * inference).
     */
    public DenseLinear baseLinear() {
        return baseLinear;
    }

    public LinearWeights linear() {
        return linear;
    }

    /**
     * Frees the FP32 projections (the bulk of the weights) once a compiled decoder holds its own
     * copies: inference-only models. The eager forward, LoRA merging and training then refuse with
     * a one-line error; embeddings, norms and the head stay.
     */
    public void releaseProjections() {
        baseLinear.release();
    }

    /**
     * Routes every projection through {@code linear} (e.g. base + trainable LoRA); null restores
     * the base.
     */
    public void setLinear(LinearWeights linear) {
        this.linear = linear == null ? baseLinear : linear;
    }

    /** The {vocab, hidden} input embedding (read-only). */
    public NDArray tokenEmbedding() {
        checkTables();
        return tokenEmbedding;
    }

    /**
     * The token-embedding rows of {@code ids} (INT64 {B, T}) as {B, T, hidden} FP32 in {@code
     * target}; ids {@code >= vocabSize} (GEM summary tokens; refused past the extra rows) get row
     * {@code vocabSize - 1}: the caller selects their extra rows. Looked up in the FP32 table while
     * the model holds it, else decoded from the checkpoint row by row ({@link
     * #releaseTokenTables}): the same values, bitwise, either way (the same dequantiser).
     */
    public NDArray embeddingRows(NDArray ids, NDManager target) {
        Shape s = ids.getShape();
        long[] flat = ids.toLongArray();
        int vocab = config.vocabSize();
        for (int i = 0; i < flat.length; i++) {
            if (flat[i] < 0 || flat[i] >= vocab + extraTokens()) {
                throw new IllegalArgumentException(
                        "token id "
                                + flat[i]
                                + " is outside the vocabulary ("
                                + vocab
                                + ") and the "
                                + extraTokens()
                                + " extra rows");
            }
            flat[i] = Math.min(flat[i], vocab - 1);
        }
        if (tokenEmbedding != null) {
            try (NDManager scope = target.newSubManager()) {
                NDArray rows = lookup(scope.create(flat, s), tokenEmbedding);
                rows.attach(target);
                return rows;
            }
        }
        NDArray rows =
                target.create(new Shape(s.get(0), s.get(1), config.hiddenSize()), DataType.FLOAT32);
        try {
            ByteBuffer view = rows.toByteBuffer(true);
            if (!view.isDirect()) {
                throw new IllegalStateException("no direct view of a new embedding-rows tensor");
            }
            tokenEmbeddingSource.gatherRows(flat, view);
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
        return rows;
    }

    /**
     * Frees the FP32 token embedding and output head once a compiled decoder holds its own head and
     * reads embedding rows through {@link #embeddingRows}: inference-only models (~113 MB for a 49k
     * x 576 vocabulary). The eager forward and the eager head then refuse with a one-line error.
     */
    public void releaseTokenTables() {
        if (tokenEmbedding == null) {
            return;
        }
        outputHeadT.close();
        outputHeadT = null;
        if (untiedHead != null) {
            untiedHead.close();
            untiedHead = null;
        }
        tokenEmbedding.close();
        tokenEmbedding = null;
    }

    private void checkTables() {
        if (tokenEmbedding == null) {
            throw new IllegalStateException(
                    "the FP32 token embedding and output head were released (compiled inference"
                            + " only): the eager forward and head cannot run on this model");
        }
    }

    /**
     * Rows for token ids vocabSize .. vocabSize+k-1 (GEM summary tokens); copied into the model.
     */
    public void setExtraEmbeddings(float[][] rows) {
        if (rows == null || rows.length == 0) {
            setExtraEmbeddings((NDArray) null);
            return;
        }
        int h = config.hiddenSize();
        float[] flat = new float[rows.length * h];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != h) {
                throw new IllegalArgumentException(
                        "extra embedding row "
                                + i
                                + " has "
                                + rows[i].length
                                + " values, hidden size is "
                                + h);
            }
            System.arraycopy(rows[i], 0, flat, i * h, h);
        }
        NDManager owner = manager.newSubManager();
        NDArray array = owner.create(flat, new Shape(rows.length, h));
        setExtraEmbeddings(array);
        extraOwner = owner;
    }

    /**
     * Uses {@code rows} {k, hidden} (FP32, on the model's device) as the extra input rows, without
     * copying: a trainer may pass an array that requires a gradient. The caller keeps ownership.
     * Null removes them.
     */
    public void setExtraEmbeddings(NDArray rows) {
        if (rows != null) {
            if (rows.getShape().dimension() != 2 || rows.getShape().get(1) != config.hiddenSize()) {
                throw new IllegalArgumentException(
                        "extra embeddings must be {k, "
                                + config.hiddenSize()
                                + "}, got "
                                + rows.getShape());
            }
            if (rows.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException(
                        "extra embeddings must be FLOAT32, got " + rows.getDataType());
            }
        }
        if (extraOwner != null) {
            extraOwner.close();
            extraOwner = null;
        }
        extraEmbeddings = rows;
    }

    /** Number of extra input rows (k), 0 when none. */
    public int extraTokens() {
        return extraEmbeddings == null ? 0 : (int) extraEmbeddings.getShape().get(0);
    }

    /** Extra rows as set, or null. */
    public NDArray extraEmbeddings() {
        return extraEmbeddings;
    }

    /**
     * Allocates a KV cache for {@code batch} rows and {@code capacity} slots on the model's device.
     */
    public KvCache newCache(int batch, int capacity) {
        return new KvCache(
                manager,
                manager.getDevice(),
                config.numLayers(),
                batch,
                config.numKvHeads(),
                capacity,
                config.headDim());
    }

    /**
     * Hidden states after the final RMSNorm.
     *
     * @param inputIds int64 {B, T}; ids >= vocabSize select extra rows (see {@link
     *     #setExtraEmbeddings})
     * @param positions int64 {B, T}, RoPE positions (per row, so left-padded rows can start at 0)
     * @param mask float32 {B or 1, 1, T, S}: 0 = attend, {@link #MASKED} = not; S = T without a
     *     cache, cache.length() + T with one (key slot order: cached slots, then these T tokens)
     * @param cache null, or a cache that receives these tokens' keys/values and advances by T
     * @return {B, T, hidden}, attached to inputIds' manager
     */
    public NDArray forward(NDArray inputIds, NDArray positions, NDArray mask, KvCache cache) {
        return forward(inputIds, positions, mask, cache, linear);
    }

    /**
     * Like {@link #forward(NDArray, NDArray, NDArray, KvCache)} with the projections of this call
     * only routed through {@code projections} (e.g. a LoRA applied only to the GEM summary step,
     * while the text prefill runs the base weights).
     */
    public NDArray forward(
            NDArray inputIds,
            NDArray positions,
            NDArray mask,
            KvCache cache,
            LinearWeights projections) {
        Objects.requireNonNull(projections, "projections");
        Shape idsShape = inputIds.getShape();
        if (idsShape.dimension() != 2) {
            throw new IllegalArgumentException("inputIds must be {B, T}, got " + idsShape);
        }
        if (!positions.getShape().equals(idsShape)) {
            throw new IllegalArgumentException(
                    "positions " + positions.getShape() + " must match inputIds " + idsShape);
        }
        if (mask.getShape().dimension() != 4) {
            throw new IllegalArgumentException("mask must be {B, 1, T, S}, got " + mask.getShape());
        }
        int t = (int) idsShape.get(1);
        if (cache != null) {
            cache.checkRoom(t, idsShape.get(0));
        }
        NDManager outer = inputIds.getManager();
        try (NDManager scope = outer.newSubManager()) {
            scope.tempAttachAll(inputIds, positions, mask);
            NDArray x = embed(inputIds);
            NDList angles =
                    rope.angles(
                            positions.toType(DataType.INT64, false),
                            (float) (1.0 / Math.sqrt(config.headDim())));
            for (Block block : blocks) {
                x = block.apply(x, angles, rope, mask, cache, projections);
            }
            NDArray out = outputNorm.apply(x);
            out.attach(outer);
            if (cache != null) {
                cache.advance(t);
            }
            return out;
        }
    }

    private NDArray embed(NDArray ids) {
        if (tokenEmbedding == null) {
            baseLinear.checkNotReleased(); // the usual reason, named as the projections name it
            checkTables();
        }
        NDArray longIds = ids.toType(DataType.INT64, false);
        // text-only batches (a prefill) skip the extra rows: their result would not depend on them,
        // but
        // with trainable rows autograd would record the whole pass
        if (extraEmbeddings == null || longIds.max().getLong() < config.vocabSize()) {
            return lookup(longIds, tokenEmbedding);
        }
        int vocab = config.vocabSize();
        NDArray isExtra = longIds.gte(vocab).toType(DataType.FLOAT32, false).expandDims(-1);
        NDArray base = lookup(longIds.clip(0, vocab - 1), tokenEmbedding);
        NDArray extra = lookup(longIds.sub(vocab).clip(0, extraTokens() - 1), extraEmbeddings);
        // exact select: one of the two weights is 1, the other 0; differentiable w.r.t. the extra
        // rows
        return base.mul(isExtra.neg().add(1f)).add(extra.mul(isExtra));
    }

    private static NDArray lookup(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).head();
    }

    /** Output-head logits for hidden states {..., hidden} -> {..., vocab}, in hidden's manager. */
    public NDArray logits(NDArray hidden) {
        checkTables();
        return hidden.matMul(outputHeadT);
    }

    /**
     * Flat row numbers of {@code index[b]} in a {B, T} batch ({@code b * T + index[b]}), checked:
     * one index per row, each in [0, T). Shared by every forward that runs the head only where
     * needed.
     */
    public static long[] flatRowIndex(long b, long t, int[] index) {
        if (index.length != b) {
            throw new IllegalArgumentException(
                    "logitsAt needs one index per row: " + index.length + " for " + b);
        }
        long[] flat = new long[index.length];
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= t) {
                throw new IllegalArgumentException(
                        "logitsAt index " + index[i] + " outside [0, " + t + ")");
            }
            flat[i] = i * t + index[i];
        }
        return flat;
    }

    /**
     * Logits at one position per row: hidden {B, T, hidden}, {@code index[b]} in [0, T) -> {B,
     * vocab}. Only these rows go through the head (the head is a large part of a 135M model's
     * FLOPs).
     */
    public NDArray logitsAt(NDArray hidden, int[] index) {
        Shape s = hidden.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long[] flat = flatRowIndex(b, t, index);
        checkTables();
        NDManager outer = hidden.getManager();
        try (NDManager scope = outer.newSubManager()) {
            scope.tempAttachAll(hidden);
            NDArray rows =
                    hidden.reshape(b * t, s.get(2)).get(new NDIndex("{}", scope.create(flat)));
            NDArray logits = rows.matMul(outputHeadT);
            logits.attach(outer);
            return logits;
        }
    }

    /**
     * The RoPE rotation this model uses (for a compiled forward that takes the tables as inputs):
     * per-pair inverse frequencies with any Llama 3.x scaling applied. Same values as {@link
     * LlamaConfig#ropeInverseFrequencies()}.
     */
    public float[] ropeInverseFrequencies() {
        return rope.inverseFrequencies();
    }

    /**
     * The arrays another forward over the same weights needs (the compiled decoder): RMSNorm
     * weights, the output head {vocab, hidden} and RoPE's cos/sin tables {maxPositions, headDim}
     * (see {@link Rope}). Read-only views owned by this model.
     */
    public NDArray normWeight(int layer, boolean ffn) {
        return ffn ? blocks[layer].ffnNorm().weight() : blocks[layer].attnNorm().weight();
    }

    /** The final RMSNorm's weight {hidden} (read-only). */
    public NDArray outputNormWeight() {
        return outputNorm.weight();
    }

    /** The output head {vocab, hidden} (the token embedding when tied; read-only). */
    public NDArray outputHead() {
        checkTables();
        return config.tiedEmbeddings() ? tokenEmbedding : untiedHead;
    }

    /**
     * RoPE tables: [cos, signed sin], each {maxPositions, headDim}, laid out for {@link
     * LlamaConfig#ropeLayout()}.
     */
    public NDArray[] ropeTables() {
        return new NDArray[] {rope.cosTable(), rope.sinTable()};
    }

    /** The RoPE table length: positions must be below it. */
    public int maxPositions() {
        return rope.maxPositions();
    }

    @Override
    public void close() {
        if (extraOwner != null) {
            extraOwner.close();
        }
        manager.close();
    }
}
