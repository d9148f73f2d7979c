package dev.gemrag.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.WeightTensor;
import java.nio.ByteBuffer;
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
    private final Map<String, WeightTensor> pending = new HashMap<>(); // lazy: not decoded yet
    private final Map<String, long[]> shapes = new HashMap<>();
    private final java.util.Set<String> releasedNames = new java.util.HashSet<>();
    private final NDManager manager;
    private boolean released;

    /**
     * @param lazy decode each projection on first use (then keep it) instead of now: a compiled
     *     decoder that releases the FP32 projections then never holds all of them at once
     */
    DenseLinear(LlamaConfig config, LlamaWeights source, NDManager manager, boolean lazy) {
        this.manager = manager;
        for (int i = 0; i < config.numLayers(); i++) {
            for (String p : PROJECTIONS) {
                String name = LlamaWeights.layer(i, p);
                WeightTensor t = source.get(name);
                shapes.put(name, t.shape());
                if (lazy) {
                    pending.put(name, t);
                } else {
                    materialise(name, t);
                }
            }
            if (config.attentionBias()) {
                for (String p : new String[] {"wq", "wk", "wv"}) {
                    String b = LlamaWeights.layer(i, "b" + p.substring(1));
                    biases.put(LlamaWeights.layer(i, p), toArray(manager, source.get(b)));
                }
            }
        }
    }

    private NDArray materialise(String name, WeightTensor t) {
        NDArray w = toArray(manager, t);
        weights.put(name, w);
        transposed.put(name, w.transpose());
        return w;
    }

    /**
     * A lazy weight is decoded straight into a tensor the library owns (closing it frees the memory
     * at once, no garbage collection involved); a direct buffer is wrapped without a copy (the
     * array then shares its memory); a Java array is copied.
     */
    static NDArray toArray(NDManager manager, WeightTensor t) {
        if (t.isLazy()) {
            NDArray a = manager.create(new Shape(t.shape()), DataType.FLOAT32);
            try {
                ByteBuffer view = a.toByteBuffer(true);
                if (!view.isDirect() || view.capacity() != t.size() * Float.BYTES) {
                    throw new IllegalStateException(
                            "no direct view of a new " + t.name() + " tensor");
                }
                t.writeTo(view);
            } catch (RuntimeException e) {
                a.close();
                throw e;
            }
            return a;
        }
        if (t.direct() != null) {
            return manager.create(
                    t.direct().duplicate().order(ByteOrder.nativeOrder()).rewind(),
                    new Shape(t.shape()),
                    DataType.FLOAT32);
        }
        return manager.create(t.data(), new Shape(t.shape()));
    }

    /**
     * See {@link LlamaModel#releaseProjections()}: lazily decoded weights are freed now, a
     * checkpoint's direct buffers become garbage.
     */
    void release() {
        for (Map<String, NDArray> m : List.of(transposed, weights, biases)) {
            m.values().forEach(NDArray::close);
            m.clear();
        }
        pending.clear();
        released = true;
    }

    /**
     * Frees one layer's projections (not its biases) once a compiled decoder holds its own copies
     * of them; part of {@link #release()} done early so the load peak never holds every layer.
     */
    public void releaseLayer(int layer) {
        for (String p : PROJECTIONS) {
            String name = LlamaWeights.layer(layer, p);
            NDArray t = transposed.remove(name);
            if (t != null) {
                t.close();
            }
            NDArray w = weights.remove(name);
            if (w != null) {
                w.close();
            }
            pending.remove(name);
            releasedNames.add(name);
        }
    }

    /** The {out, in} shape of a projection, without decoding it. */
    public Shape shape(String name) {
        long[] s = shapes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no projection named '" + name + "'");
        }
        return new Shape(s);
    }

    /**
     * Refuses once {@link #release()} ran (any projection released: the eager forward cannot run).
     */
    void checkNotReleased() {
        checkNotReleased(null);
    }

    private void checkNotReleased(String name) {
        if (released || releasedNames.contains(name)) {
            throw new IllegalStateException(
                    "the FP32 projections were released after compiling (inference only): the eager"
                            + " forward is not available on this model");
        }
    }

    @Override
    public NDArray apply(String name, NDArray x) {
        checkNotReleased(name);
        NDArray wt = transposed.get(name);
        if (wt == null) {
            weight(name);
            wt = transposed.get(name);
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
        checkNotReleased(name);
        NDArray w = weights.get(name);
        if (w == null) {
            WeightTensor t = pending.remove(name);
            if (t == null) {
                throw new IllegalArgumentException("no projection named '" + name + "'");
            }
            w = materialise(name, t);
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
