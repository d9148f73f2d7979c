package dev.gemrag.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.gem.GemAdapter;
import dev.gemrag.model.llama.LinearWeights;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.Scalars;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What GEM training updates: the k summary rows, a LoRA pair per target projection (A uniform in
 * +-1/sqrt(in), B zero, so training starts from the base model), and the contrastive logit scale
 * (log 20 unless told otherwise, clamped to [0, log 100]). Names follow docs/ADAPTER_FORMAT.md plus
 * {@code logit_scale}.
 */
public final class GemParameters implements AutoCloseable {
    public static final String LOGIT_SCALE = "logit_scale";
    static final float LOG_MAX_SCALE = (float) Math.log(100);

    /** The log logit scale fresh parameters start with (scale 20). */
    public static final float INITIAL_LOG_SCALE = (float) Math.log(20);

    private final NDManager manager;
    private final Map<String, NDArray> all = new LinkedHashMap<>();
    private final int rank;
    private final float scale;
    private final List<String> targets;

    /**
     * {@code logLogitScale}: where the log logit scale starts (clamped to [0, log 100] like every
     * update).
     */
    public GemParameters(
            LlamaModel model,
            LlamaWeights base,
            int k,
            int rank,
            float alpha,
            List<String> targets,
            long seed,
            float logLogitScale) {
        this.manager = model.newManager();
        this.rank = rank;
        this.scale = rank == 0 ? 0 : alpha / rank;
        this.targets = rank == 0 ? List.of() : List.copyOf(targets);
        LlamaConfig c = model.config();
        Random r = new Random(seed);
        add(
                GemAdapter.SUMMARY,
                summaryInit(base.get("token_embd"), k, r),
                new long[] {k, c.hiddenSize()});
        for (int i = 0; i < c.numLayers(); i++) {
            for (String t : this.targets) {
                long[] w = base.get(LlamaWeights.layer(i, t)).shape();
                float bound = (float) (1 / Math.sqrt(w[1]));
                float[] a = new float[(int) (rank * w[1])];
                for (int j = 0; j < a.length; j++) {
                    a[j] = (2 * r.nextFloat() - 1) * bound;
                }
                add(GemAdapter.loraA(i, t), a, new long[] {rank, w[1]});
                add(
                        GemAdapter.loraB(i, t),
                        new float[(int) (w[0] * rank)],
                        new long[] {w[0], rank});
            }
        }
        add(LOGIT_SCALE, new float[] {clampLog(logLogitScale)}, new long[] {1});
    }

    /**
     * Every summary row starts at the mean vocabulary row plus a little noise (rows must differ
     * when k > 1).
     */
    private static float[] summaryInit(WeightTensor emb, int k, Random r) {
        int vocab = (int) emb.shape()[0];
        int h = (int) emb.shape()[1];
        double[] mean = new double[h];
        double sq = 0;
        float[] values =
                emb.data(); // once: on a direct-buffer weight every data() call is a full copy
        for (int v = 0; v < vocab; v++) {
            for (int i = 0; i < h; i++) {
                float x = values[v * h + i];
                mean[i] += x / vocab;
                sq += (double) x * x / ((double) vocab * h);
            }
        }
        float std = (float) Math.sqrt(sq);
        float[] rows = new float[k * h];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < h; i++) {
                rows[j * h + i] = (float) mean[i] + 0.02f * std * (float) r.nextGaussian();
            }
        }
        return rows;
    }

    private void add(String name, float[] data, long[] shape) {
        NDArray a = manager.create(data, new Shape(shape));
        a.setRequiresGradient(true);
        all.put(name, a);
    }

    public Map<String, NDArray> all() {
        return all;
    }

    /**
     * Makes the model use these parameters: summary rows as extra embeddings, LoRA around every
     * target.
     */
    public void install(LlamaModel model) {
        install(model, false);
    }

    /**
     * @param summaryOnly true: only the summary rows go into the model; the LoRA is applied by
     *     passing {@link #loraLinear} to the summary step (see {@link
     *     dev.gemrag.model.gem.SummaryPass})
     */
    public void install(LlamaModel model, boolean summaryOnly) {
        model.setExtraEmbeddings(all.get(GemAdapter.SUMMARY));
        model.setLinear(summaryOnly || targets.isEmpty() ? null : loraLinear(model));
    }

    /** Base projections plus these (trainable) LoRA pairs. */
    public LinearWeights loraLinear(LlamaModel model) {
        LinearWeights base = model.baseLinear();
        if (targets.isEmpty()) {
            return base;
        }
        return (name, x) -> {
            NDArray y = base.apply(name, x);
            NDArray a = all.get(name + ".lora_a");
            if (a == null) {
                return y;
            }
            NDArray b = all.get(name + ".lora_b");
            // transposed views would belong to the parameters' manager: keep them in the caller's
            // scope
            NDArray at = a.transpose();
            at.attach(x.getManager());
            NDArray bt = b.transpose();
            bt.attach(x.getManager());
            // not mul(float): autograd keeps the constant, see Scalars
            return y.add(Scalars.times(x.matMul(at).matMul(bt), scale));
        };
    }

    /**
     * The logit scale actually used, exp of the clamped log scale, as a differentiable array in
     * {@code m}.
     */
    public NDArray logitScale(NDManager m) {
        NDArray clipped = all.get(LOGIT_SCALE).clip(0f, LOG_MAX_SCALE);
        clipped.attach(m);
        return clipped.exp();
    }

    public float logitScaleValue() {
        return (float) Math.exp(clampLog(all.get(LOGIT_SCALE).getFloat()));
    }

    /** Keeps the log scale inside [0, log 100] after an update (CLIP-style clamp). */
    public void clamp() {
        NDArray s = all.get(LOGIT_SCALE);
        float v = s.getFloat();
        if (v < 0 || v > LOG_MAX_SCALE) {
            s.set(new float[] {clampLog(v)});
        }
    }

    /** A log logit scale inside [0, log 100]. */
    private static float clampLog(float logScale) {
        return Math.max(0, Math.min(LOG_MAX_SCALE, logScale));
    }

    /** Adapter tensors (summary rows + LoRA pairs) copied to the heap. */
    public Map<String, WeightTensor> adapterTensors() {
        Map<String, WeightTensor> out = new LinkedHashMap<>();
        all.forEach(
                (name, a) -> {
                    if (!name.equals(LOGIT_SCALE)) {
                        out.put(
                                name,
                                new WeightTensor(name, a.getShape().getShape(), a.toFloatArray()));
                    }
                });
        return out;
    }

    public void load(Map<String, float[]> values) {
        all.forEach(
                (name, a) -> {
                    float[] v = values.get(name);
                    if (v == null) {
                        throw new IllegalArgumentException(
                                "checkpoint has no parameter '" + name + "'");
                    }
                    if (v.length != a.size()) {
                        throw new IllegalArgumentException(
                                "parameter '"
                                        + name
                                        + "' has "
                                        + v.length
                                        + " values, expected "
                                        + a.size());
                    }
                    a.set(v);
                });
    }

    /**
     * The parameters whose gradient holds a NaN or infinity, as "name nonFinite/size", comma
     * separated (the first four, then how many in all: one log line); empty when all are finite.
     */
    public String nonFiniteGradientCounts() {
        StringBuilder sb = new StringBuilder();
        int found = 0;
        for (Map.Entry<String, NDArray> e : all.entrySet()) {
            // the checks' temporaries land in the gradient's manager: scope it
            try (NDManager scope = manager.newSubManager()) {
                NDArray g = e.getValue().getGradient();
                g.attach(scope);
                long count =
                        g.isNaN()
                                .logicalOr(g.isInfinite())
                                .toType(DataType.INT64, false)
                                .sum()
                                .getLong();
                if (count > 0 && ++found <= 4) {
                    sb.append(found == 1 ? "" : ", ")
                            .append(e.getKey())
                            .append(' ')
                            .append(count)
                            .append('/')
                            .append(g.size());
                }
            }
        }
        return found > 4 ? sb + ", ... (" + found + " parameters)" : sb.toString();
    }

    /** Whether every parameter's gradient is finite (NaN/inf anywhere: false). */
    public boolean gradientsFinite() {
        return nonFiniteGradientCounts().isEmpty();
    }

    /**
     * Sets every gradient to 0 in place (an assignment, not a product: NaN * 0 stays NaN). Not with
     * {@code set(float[])}: DJL's PyTorch engine then re-points the tensor at a Java direct buffer
     * that only the (short-lived) gradient handle keeps alive; once that memory was freed and
     * reused, the next backward wrote into it (the trainer's intermittent non-finite gradients,
     * garbage shapes and crashes in libc).
     */
    public void zeroGradients() {
        for (NDArray p : all.values()) {
            try (NDArray g = p.getGradient()) {
                g.set(new NDIndex(":"), 0f);
            }
        }
    }

    public int rank() {
        return rank;
    }

    @Override
    public void close() {
        manager.close();
    }
}
