package dev.gemrag.model.testing;

import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.WeightShapes;
import dev.gemrag.model.WeightTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A tiny random Llama in Hugging Face layout (canonical names, Q/K rows unpermuted, half-split
 * RoPE), the common source that {@link GgufTestWriter#writeLlama} and {@link HfTestWriter#write}
 * serialise.
 */
public record TinyLlama(LlamaConfig config, LlamaWeights weights) {

    /** 2 layers, hidden 32, 4 heads of 8, 2 KV heads, FFN 64, vocab {@link TinyVocab#SIZE}. */
    public static TinyLlama random(long seed, boolean tiedEmbeddings) {
        return random(
                seed,
                new LlamaConfig(
                        "llama",
                        TinyVocab.SIZE,
                        32,
                        64,
                        2,
                        4,
                        2,
                        8,
                        1e-5f,
                        10000f,
                        128,
                        tiedEmbeddings,
                        false,
                        RopeLayout.HALF_SPLIT));
    }

    public static TinyLlama random(long seed, LlamaConfig config) {
        Random rnd = new Random(seed);
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        WeightShapes.expected(config)
                .forEach(
                        (name, shape) -> {
                            float[] data = new float[Math.toIntExact(count(shape))];
                            boolean norm = name.endsWith("norm");
                            for (int i = 0; i < data.length; i++) {
                                // norms near 1, matrices small: keeps activations in a sane range
                                // for forward tests
                                data[i] =
                                        norm
                                                ? 1f + 0.1f * (float) rnd.nextGaussian()
                                                : 0.2f * (float) rnd.nextGaussian();
                            }
                            tensors.put(name, new WeightTensor(name, shape, data));
                        });
        return new TinyLlama(config, new LlamaWeights(tensors));
    }

    /**
     * llama.cpp's convert_hf_to_gguf permutation of Q/K rows for interleaved RoPE: {@code
     * w.reshape(nHead, 2, headDim/2, in).swapaxes(1, 2)}: row h*headDim + 2j + s of the result is
     * row h*headDim + s*headDim/2 + j of the input.
     */
    public static float[] permuteRows(float[] w, int rows, int cols, int nHead) {
        int headDim = rows / nHead;
        int half = headDim / 2;
        float[] out = new float[w.length];
        for (int h = 0; h < nHead; h++) {
            for (int j = 0; j < half; j++) {
                for (int s = 0; s < 2; s++) {
                    int dst = h * headDim + 2 * j + s;
                    int src = h * headDim + s * half + j;
                    System.arraycopy(w, src * cols, out, dst * cols, cols);
                }
            }
        }
        return out;
    }

    static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
