package dev.gemrag.model.gem;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.llama.LinearWeights;
import dev.gemrag.model.llama.LlamaModel;
import java.util.HashMap;
import java.util.Map;

/**
 * The projections of a summary-only adapter's summary step: {@code base(x) + (x A^T)(scale B^T)}
 * for every LoRA target, the base elsewhere. The LoRA is kept unmerged (W stays the base model's
 * for text and generation); its cost is two thin matmuls on k rows per sequence. Arrays live in a
 * sub-manager of the model and are freed with it.
 */
public final class SummaryLora implements LinearWeights {
    private final LinearWeights base;
    private final Map<String, NDArray[]> pairs = new HashMap<>();

    private SummaryLora(LinearWeights base) {
        this.base = base;
    }

    public static SummaryLora of(LlamaModel model, GemAdapter adapter) {
        AdapterDescriptor.Lora lora = adapter.descriptor().lora();
        SummaryLora s = new SummaryLora(model.baseLinear());
        if (lora == null) {
            return s;
        }
        NDManager m = model.newManager();
        for (int i = 0; i < model.config().numLayers(); i++) {
            for (String t : lora.targets()) {
                WeightTensor a = adapter.tensors().get(GemAdapter.loraA(i, t));
                WeightTensor b = adapter.tensors().get(GemAdapter.loraB(i, t));
                NDArray at = m.create(a.data(), new Shape(a.shape())).transpose().duplicate();
                NDArray bt =
                        m.create(b.data(), new Shape(b.shape()))
                                .transpose()
                                .mul(lora.scale())
                                .duplicate();
                s.pairs.put(LlamaWeights.layer(i, t), new NDArray[] {at, bt});
            }
        }
        return s;
    }

    /**
     * {A^T {in, r}, scale * B^T {r, out}} of projection {@code name}, or null where the adapter has
     * no LoRA (read-only: the compiled decoder's {@code ScriptLora} is built from these).
     */
    public NDArray[] pair(String name) {
        return pairs.get(name);
    }

    @Override
    public NDArray apply(String name, NDArray x) {
        NDArray y = base.apply(name, x);
        NDArray[] p = pairs.get(name);
        return p == null ? y : y.add(x.matMul(p[0]).matMul(p[1]));
    }
}
