package dev.gemrag.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.Pooling;
import dev.gemrag.model.gem.GemBatch;
import dev.gemrag.model.gem.GemLayout;
import dev.gemrag.model.gem.PoolingWeights;
import dev.gemrag.model.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;

/** The two GEM objectives as differentiable scalars. */
public final class GemLosses {
    private GemLosses() {}

    /** Mean cross-entropy of the next token over the batch's loss positions (GEM training mask). */
    public static NDArray nextToken(LlamaModel model, NDManager m, NtpBatch batch) {
        GemBatch t = GemBatch.of(m, batch.rows(), batch.layouts());
        NDArray hidden = model.forward(t.ids(), t.positions(), t.mask(), null);
        int h = model.config().hiddenSize();
        NDArray rows = hidden.reshape(-1, h).get(new NDIndex("{}", m.create(batch.sources())));
        NDArray logp = model.logits(rows).logSoftmax(1);
        NDArray picked = logp.gather(m.create(batch.labels()).reshape(-1, 1), 1);
        return picked.mean().neg();
    }

    /**
     * InfoNCE over cosine similarities: anchor i's positive is positive i, the other positives are
     * its negatives; logits = scale * cos.
     */
    public static NDArray contrastive(
            LlamaModel model, NDManager m, ContrastiveBatch batch, NDArray logitScale) {
        List<int[]> rows = new ArrayList<>(batch.anchors());
        rows.addAll(batch.positives());
        List<GemLayout> layouts = new ArrayList<>(batch.anchorLayouts());
        layouts.addAll(batch.positiveLayouts());
        GemBatch t = GemBatch.of(m, rows, layouts);
        NDArray hidden = model.forward(t.ids(), t.positions(), t.mask(), null);
        NDArray w =
                m.create(
                        PoolingWeights.of(layouts, t.length(), Pooling.GEM),
                        new Shape(layouts.size(), 1, t.length()));
        NDArray pooled = w.matMul(hidden).squeeze(1);
        NDArray unit = unit(pooled);
        int b = batch.anchors().size();
        NDArray anchors = unit.get(new NDIndex("0:" + b));
        NDArray positives = unit.get(new NDIndex(b + ":"));
        NDArray logits = anchors.matMul(positives.transpose()).mul(logitScale);
        NDArray logp = logits.logSoftmax(1);
        NDArray diag = logp.mul(m.eye(b)).sum(new int[] {1});
        return diag.mean().neg();
    }

    private static NDArray unit(NDArray v) {
        return v.div(v.square().sum(new int[] {1}, true).add(1e-12f).sqrt());
    }

    /**
     * InfoNCE of queries against documents: {@code queries {B, H}}, {@code docs {N, H}} with N >=
     * B, the positive of query i is document i, every other document (other positives = in-batch
     * negatives, rows B.. = hard negatives) is a negative. Logits = scale * cos; mean over queries
     * of {@code -log softmax(logits_i)[i]}.
     */
    public static NDArray infoNce(NDArray queries, NDArray docs, NDArray logitScale) {
        long b = queries.getShape().get(0);
        if (docs.getShape().get(0) < b) {
            throw new IllegalArgumentException(
                    "infoNce needs at least one document per query: "
                            + docs.getShape()
                            + " for "
                            + b
                            + " queries");
        }
        NDArray logits = unit(queries).matMul(unit(docs).transpose()).mul(logitScale);
        NDArray logp = logits.logSoftmax(1);
        NDArray target =
                queries.getManager()
                        .eye(
                                (int) b,
                                (int) docs.getShape().get(0),
                                0,
                                ai.djl.ndarray.types.DataType.FLOAT32);
        return logp.mul(target).sum(new int[] {1}).mean().neg();
    }

    /**
     * Distillation: KL divergence from the teachers' in-batch similarity distribution to the
     * student's, {@code mean_i sum_j p_ij (log p_ij - log q_ij)} with {@code q_i = softmax_j(scale
     * * cos(query_i, doc_j))} (the student's InfoNCE logits) and {@code p} = {@code targets {B,
     * N}}, rows summing to 1 (see {@link TeacherTargets}). Zero when the student ranks every batch
     * exactly as the teachers do.
     */
    public static NDArray distill(
            NDArray queries, NDArray docs, NDArray logitScale, NDArray targets) {
        long b = queries.getShape().get(0);
        long n = docs.getShape().get(0);
        if (!targets.getShape().equals(new Shape(b, n))) {
            throw new IllegalArgumentException(
                    "distill targets "
                            + targets.getShape()
                            + " for "
                            + b
                            + " queries x "
                            + n
                            + " documents");
        }
        NDArray logq = unit(queries).matMul(unit(docs).transpose()).mul(logitScale).logSoftmax(1);
        // p log p with 0 log 0 = 0: a constant, kept so the value is the KL divergence itself
        NDArray plogp = targets.mul(targets.maximum(1e-30f).log());
        return plogp.sub(targets.mul(logq)).sum(new int[] {1}).mean();
    }
}
