package dev.gemrag.model.gem;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.Pooling;
import dev.gemrag.model.llama.LinearWeights;
import dev.gemrag.model.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * An independent computation of a summary-only adapter's embedding (no KV cache, no second step):
 * ONE forward over text + k summary ids under the GEM mask in which every projection is {@code
 * base(x) + gate * delta(x)}, gate = 1 at summary positions and 0 at text positions. Pooled
 * (unnormalised) {@code {B, H}}.
 */
final class GatedSummaryReference {
    private GatedSummaryReference() {}

    static NDArray pooled(
            LlamaModel model,
            NDManager m,
            List<int[]> texts,
            int k,
            BiFunction<String, NDArray, NDArray> delta) {
        List<int[]> rows = new ArrayList<>();
        List<GemLayout> layouts = new ArrayList<>();
        for (int[] t : texts) {
            int[] row = java.util.Arrays.copyOf(t, t.length + k);
            for (int j = 0; j < k; j++) {
                row[t.length + j] = model.vocabSize() + j;
            }
            rows.add(row);
            layouts.add(GemLayout.embedding(t.length, k));
        }
        GemBatch batch = GemBatch.of(m, rows, layouts);
        float[] gate = new float[rows.size() * batch.length()];
        for (int b = 0; b < rows.size(); b++) {
            for (int i = 0; i < batch.length(); i++) {
                gate[b * batch.length() + i] = layouts.get(b).isSummary(i) ? 1f : 0f;
            }
        }
        NDArray g = m.create(gate, new Shape(rows.size(), batch.length(), 1));
        LinearWeights base = model.baseLinear();
        LinearWeights gated =
                (name, x) -> {
                    NDArray d = delta.apply(name, x);
                    if (d == null) {
                        return base.apply(name, x);
                    }
                    NDArray gx = g.duplicate();
                    gx.attach(x.getManager());
                    return base.apply(name, x).add(d.mul(gx));
                };
        NDArray hidden = model.forward(batch.ids(), batch.positions(), batch.mask(), null, gated);
        NDArray w =
                m.create(
                        PoolingWeights.of(layouts, batch.length(), Pooling.GEM),
                        new Shape(layouts.size(), 1, batch.length()));
        return w.matMul(hidden).squeeze(1);
    }

    /**
     * delta(x) = scale * (x A^T) B^T for the adapter's LoRA pairs (null where a projection has
     * none).
     */
    static BiFunction<String, NDArray, NDArray> lora(GemAdapter adapter, NDManager m) {
        AdapterDescriptor.Lora lora = adapter.descriptor().lora();
        return (name, x) -> {
            var a = adapter.tensors().get(name + ".lora_a");
            if (a == null) {
                return null;
            }
            var b = adapter.tensors().get(name + ".lora_b");
            NDArray at = x.getManager().create(a.data(), new Shape(a.shape())).transpose();
            NDArray bt = x.getManager().create(b.data(), new Shape(b.shape())).transpose();
            return x.matMul(at).matMul(bt).mul(lora.scale());
        };
    }
}
