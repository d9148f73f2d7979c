package dev.gemrag.model.gem;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.WeightTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * {@code W + scale * B @ A} on the heap, W {out, in}, A {rank, in}, B {out, rank}: the plain-Java
 * reference for the runtime's on-device merge ({@code ModelRuntime.mergeLora}). Test code, so it
 * lives in the tests.
 */
public final class LoraMerge {
    private LoraMerge() {}

    /** Base weights with every LoRA of the adapter merged in; unchanged tensors are shared. */
    public static LlamaWeights mergeInto(GemAdapter adapter, Checkpoint base) {
        adapter.checkCompatible(base);
        AdapterDescriptor.Lora lora = adapter.descriptor().lora();
        if (lora == null) {
            return base.weights();
        }
        Map<String, WeightTensor> merged = new LinkedHashMap<>(base.weights().all());
        for (int i = 0; i < base.config().numLayers(); i++) {
            for (String t : lora.targets()) {
                String name = LlamaWeights.layer(i, t);
                merged.put(
                        name,
                        merge(
                                merged.get(name),
                                adapter.tensors().get(GemAdapter.loraA(i, t)),
                                adapter.tensors().get(GemAdapter.loraB(i, t)),
                                lora.scale()));
            }
        }
        return new LlamaWeights(merged);
    }

    public static WeightTensor merge(WeightTensor w, WeightTensor a, WeightTensor b, float scale) {
        int out = (int) w.shape()[0];
        int in = (int) w.shape()[1];
        int rank = (int) a.shape()[0];
        if (a.shape()[1] != in || b.shape()[0] != out || b.shape()[1] != rank) {
            throw new IllegalArgumentException(
                    "LoRA shapes do not fit " + w + ": A " + a + ", B " + b);
        }
        float[] wd = w.data();
        float[] ad = a.data();
        float[] bd = b.data();
        float[] result = wd.clone();
        IntStream.range(0, out)
                .parallel()
                .forEach(
                        o -> {
                            int row = o * in;
                            for (int r = 0; r < rank; r++) {
                                float coef = scale * bd[o * rank + r];
                                if (coef == 0f) {
                                    continue;
                                }
                                int arow = r * in;
                                for (int c = 0; c < in; c++) {
                                    result[row + c] += coef * ad[arow + c];
                                }
                            }
                        });
        return new WeightTensor(w.name(), w.shape(), result);
    }
}
