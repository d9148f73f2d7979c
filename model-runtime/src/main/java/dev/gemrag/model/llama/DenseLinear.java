package dev.gemrag.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.WeightTensor;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain {@code y = x @ W^T (+ b)} for all projections, with weights held in the model's manager.
 *
 * <p>W stays in the canonical {out, in} layout; we keep a transposed view so each call is a single
 * GEMM with a transposed operand (what torch.nn.Linear does).
 */
public final class DenseLinear implements LinearWeights {
    static final String[] PROJECTIONS = {"wq", "wk", "wv", "wo", "w1", "w2", "w3"};

    private final Map<String, NDArray> weights = new HashMap<>();
    private final Map<String, NDArray> transposed = new HashMap<>();
    private final Map<String, NDArray> biases = new HashMap<>();
    private boolean released;

    DenseLinear(LlamaConfig config, LlamaWeights source, NDManager manager) {
        for (int i = 0; i < config.numLayers(); i++) {
            for (String p : PROJECTIONS) {
                String name = LlamaWeights.layer(i, p);
                NDArray w = toArray(manager, source.get(name));
                weights.put(name, w);
                transposed.put(name, w.transpose());
            }
            if (config.attentionBias()) {
                for (String p : new String[] {"wq", "wk", "wv"}) {
                    String b = LlamaWeights.layer(i, "b" + p.substring(1));
                    biases.put(LlamaWeights.layer(i, p), toArray(manager, source.get(b)));
                }
            }
        }
    }

    /**
     * A direct buffer is wrapped without a copy (the array then shares its memory); a Java array is
     * copied.
     */
    static NDArray toArray(NDManager manager, WeightTensor t) {
        if (t.direct() != null) {
            return manager.create(
                    t.direct().duplicate().order(ByteOrder.nativeOrder()).rewind(),
                    new Shape(t.shape()),
                    DataType.FLOAT32);
        }
        return manager.create(t.data(), new Shape(t.shape()));
    }

    /** See {@link LlamaModel#releaseProjections()}; the weights' direct buffers become garbage. */
    void release() {
        for (Map<String, NDArray> m : List.of(transposed, weights, biases)) {
            m.values().forEach(NDArray::close);
            m.clear();
        }
        released = true;
    }

    private void checkNotReleased() {
        if (released) {
            throw new IllegalStateException(
                    "the FP32 projections were released after compiling (inference only): the eager"
                            + " forward is not available on this model");
        }
    }

    @Override
    public NDArray apply(String name, NDArray x) {
        checkNotReleased();
        NDArray wt = transposed.get(name);
        if (wt == null) {
            throw new IllegalArgumentException("no projection named '" + name + "'");
        }
        NDArray y = x.matMul(wt);
        NDArray b = biases.get(name);
        if (b == null) {
            return y;
        }
        NDArray withBias = y.add(b);
        y.close();
        return withBias;
    }

    /** The {out, in} weight (read-only use: LoRA merging, inspection). */
    public NDArray weight(String name) {
        checkNotReleased();
        NDArray w = weights.get(name);
        if (w == null) {
            throw new IllegalArgumentException("no projection named '" + name + "'");
        }
        return w;
    }

    /** The bias of a projection ({out}), or null when it has none (read-only). */
    public NDArray bias(String name) {
        checkNotReleased();
        return biases.get(name);
    }

    /**
     * Adds {@code delta} ({out, in}, e.g. {@code scale * B @ A} of a LoRA) into W in place, once,
     * for inference. Do not call while a gradient is being recorded through this weight.
     */
    public void mergeDelta(String name, NDArray delta) {
        NDArray w = weight(name);
        if (!w.getShape().equals(delta.getShape())) {
            throw new IllegalArgumentException(
                    "delta for '"
                            + name
                            + "' has shape "
                            + delta.getShape()
                            + ", weight has "
                            + w.getShape());
        }
        w.addi(delta);
    }
}
