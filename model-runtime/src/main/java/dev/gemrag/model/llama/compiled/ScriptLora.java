package dev.gemrag.model.llama.compiled;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.IValue;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import java.util.function.Function;

/**
 * A LoRA in the compiled decoder's merged layout, applied to one call only (a summary-only GEM
 * adapter's summary step, see {@link CompiledDecoder#forward(NDArray, NDArray, NDArray,
 * dev.gemrag.model.llama.KvCache, ScriptLora)}): per layer four pairs, for q|k|v, o, gate|up and
 * down, each {@code A^T {in, r}} and {@code scale * B^T {r, out}}, so the delta is {@code (x A^T)
 * (scale B^T)}. Merged projections get the targets' A^T side by side and their B^T block-diagonal
 * (zero blocks elsewhere: with rank 8-16 a few extra multiply-adds); an absent target has rank 0.
 * Kept unmerged because the base weights must stay the base model's for text and generation. Owned
 * and closed by its decoder.
 */
public final class ScriptLora {
    private final CompiledDecoder owner;
    private final IValue a;
    private final IValue b;

    private ScriptLora(CompiledDecoder owner, IValue a, IValue b) {
        this.owner = owner;
        this.a = a;
        this.b = b;
    }

    static ScriptLora of(
            CompiledDecoder owner,
            LlamaConfig c,
            NDManager manager,
            Function<String, NDArray[]> pairs) {
        int layers = c.numLayers();
        PtNDArray[] as = new PtNDArray[4 * layers];
        PtNDArray[] bs = new PtNDArray[4 * layers];
        String[][] groups = {{"wq", "wk", "wv"}, {"wo"}, {"w1", "w3"}, {"w2"}};
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long h = c.hiddenSize();
        long f = c.intermediateSize();
        long[][] outs = {{q, kv, kv}, {h}, {f, f}, {h}};
        long[] ins = {h, q, h, f};
        for (int i = 0; i < layers; i++) {
            for (int g = 0; g < groups.length; g++) {
                NDArray[] merged = merged(manager, i, groups[g], outs[g], ins[g], pairs);
                as[4 * i + g] = (PtNDArray) merged[0];
                bs[4 * i + g] = (PtNDArray) merged[1];
            }
        }
        return new ScriptLora(owner, IValue.listFrom(as), IValue.listFrom(bs));
    }

    /** {A^T {in, sum r}, block-diagonal B^T {sum r, sum out}} of one merged projection. */
    private static NDArray[] merged(
            NDManager m,
            int layer,
            String[] targets,
            long[] outs,
            long in,
            Function<String, NDArray[]> pairs) {
        long total = 0;
        for (long o : outs) {
            total += o;
        }
        NDList aParts = new NDList();
        NDList bParts = new NDList();
        long offset = 0;
        for (int j = 0; j < targets.length; j++) {
            NDArray[] p = pairs.apply(LlamaWeights.layer(layer, targets[j]));
            if (p != null) {
                long r = p[0].getShape().get(1);
                checkShape(p[0], in, r, targets[j]);
                checkShape(p[1], r, outs[j], targets[j]);
                aParts.add(p[0]);
                NDList row = new NDList();
                if (offset > 0) {
                    row.add(m.zeros(new Shape(r, offset), DataType.FLOAT32));
                }
                row.add(p[1]);
                long after = total - offset - outs[j];
                if (after > 0) {
                    row.add(m.zeros(new Shape(r, after), DataType.FLOAT32));
                }
                bParts.add(row.size() == 1 ? p[1].duplicate() : NDArrays.concat(row, 1));
            }
            offset += outs[j];
        }
        if (aParts.isEmpty()) {
            return new NDArray[] {
                m.zeros(new Shape(in, 0), DataType.FLOAT32),
                m.zeros(new Shape(0, total), DataType.FLOAT32)
            };
        }
        NDArray a = NDArrays.concat(aParts, 1);
        NDArray b = NDArrays.concat(bParts, 0);
        a.attach(m);
        b.attach(m);
        return new NDArray[] {a, b};
    }

    private static void checkShape(NDArray x, long rows, long cols, String target) {
        if (!x.getShape().equals(new Shape(rows, cols))) {
            throw new IllegalArgumentException(
                    "LoRA for "
                            + target
                            + ": expected "
                            + new Shape(rows, cols)
                            + ", got "
                            + x.getShape());
        }
    }

    CompiledDecoder owner() {
        return owner;
    }

    IValue a() {
        return a;
    }

    IValue b() {
        return b;
    }

    /** Called by the owning decoder's close. */
    void close() {
        a.close();
        b.close();
    }
}
