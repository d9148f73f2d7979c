package dev.gemrag.model.llama;

import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.RopeLayout;

/**
 * Test oracle: the Llama forward for one sequence in plain Java loops (double accumulators),
 * written from the math, sharing no code with the DJL implementation.
 */
final class ReferenceLlama {
    private final LlamaConfig c;
    private final LlamaWeights w;
    private final float[][] extraRows;

    ReferenceLlama(LlamaConfig c, LlamaWeights w, float[][] extraRows) {
        this.c = c;
        this.w = w;
        this.extraRows = extraRows;
    }

    /**
     * Hidden states after the final norm, {T}{hidden}. allowed[t][s]: query t may attend to token
     * s.
     */
    float[][] hidden(int[] ids, int[] positions, boolean[][] allowed) {
        int n = ids.length;
        int h = c.hiddenSize();
        float[][] x = new float[n][];
        for (int t = 0; t < n; t++) {
            if (ids[t] < c.vocabSize()) {
                x[t] = row(w.get("token_embd").data(), ids[t], h);
            } else {
                x[t] = extraRows[ids[t] - c.vocabSize()].clone();
            }
        }
        for (int l = 0; l < c.numLayers(); l++) {
            float[][] attnIn = new float[n][];
            for (int t = 0; t < n; t++) {
                attnIn[t] = rmsNorm(x[t], w.get(LlamaWeights.layer(l, "attn_norm")).data());
            }
            float[][] attnOut = attention(l, attnIn, positions, allowed);
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < h; i++) {
                    x[t][i] += attnOut[t][i];
                }
                float[] ffIn = rmsNorm(x[t], w.get(LlamaWeights.layer(l, "ffn_norm")).data());
                float[] gate = matVec(l, "w1", ffIn);
                float[] up = matVec(l, "w3", ffIn);
                float[] act = new float[gate.length];
                for (int i = 0; i < act.length; i++) {
                    double g = gate[i];
                    act[i] = (float) (g / (1 + Math.exp(-g)) * up[i]);
                }
                float[] down = matVec(l, "w2", act);
                for (int i = 0; i < h; i++) {
                    x[t][i] += down[i];
                }
            }
        }
        float[][] out = new float[n][];
        for (int t = 0; t < n; t++) {
            out[t] = rmsNorm(x[t], w.get("output_norm").data());
        }
        return out;
    }

    float[][] logits(int[] ids, int[] positions, boolean[][] allowed) {
        float[][] hs = hidden(ids, positions, allowed);
        float[] head = w.get(c.tiedEmbeddings() ? "token_embd" : "output").data();
        float[][] out = new float[hs.length][c.vocabSize()];
        for (int t = 0; t < hs.length; t++) {
            for (int v = 0; v < c.vocabSize(); v++) {
                double s = 0;
                for (int i = 0; i < c.hiddenSize(); i++) {
                    s += (double) head[v * c.hiddenSize() + i] * hs[t][i];
                }
                out[t][v] = (float) s;
            }
        }
        return out;
    }

    static boolean[][] causal(int n) {
        boolean[][] a = new boolean[n][n];
        for (int t = 0; t < n; t++) {
            for (int s = 0; s <= t; s++) {
                a[t][s] = true;
            }
        }
        return a;
    }

    private float[][] attention(int l, float[][] x, int[] positions, boolean[][] allowed) {
        int n = x.length;
        int d = c.headDim();
        int heads = c.numHeads();
        int group = heads / c.numKvHeads();
        float[][] q = new float[n][];
        float[][] k = new float[n][];
        float[][] v = new float[n][];
        for (int t = 0; t < n; t++) {
            q[t] = rotate(matVec(l, "wq", x[t]), positions[t], heads);
            k[t] = rotate(matVec(l, "wk", x[t]), positions[t], c.numKvHeads());
            v[t] = matVec(l, "wv", x[t]);
        }
        float[][] concat = new float[n][heads * d];
        for (int hd = 0; hd < heads; hd++) {
            int kvh = hd / group;
            for (int t = 0; t < n; t++) {
                double[] score = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s < n; s++) {
                    if (!allowed[t][s]) {
                        continue;
                    }
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += (double) q[t][hd * d + i] * k[s][kvh * d + i];
                    }
                    score[s] = dot / Math.sqrt(d);
                    max = Math.max(max, score[s]);
                }
                double sum = 0;
                for (int s = 0; s < n; s++) {
                    score[s] = allowed[t][s] ? Math.exp(score[s] - max) : 0;
                    sum += score[s];
                }
                for (int s = 0; s < n; s++) {
                    if (score[s] == 0) {
                        continue;
                    }
                    for (int i = 0; i < d; i++) {
                        concat[t][hd * d + i] += (float) (score[s] / sum * v[s][kvh * d + i]);
                    }
                }
            }
        }
        float[][] out = new float[n][];
        for (int t = 0; t < n; t++) {
            out[t] = matVec(l, "wo", concat[t]);
        }
        return out;
    }

    /** RoPE on each head of vec: pair j = (2j, 2j+1) interleaved, or (j, j+d/2) half-split. */
    private float[] rotate(float[] vec, int pos, int numHeads) {
        int d = c.headDim();
        float[] out = vec.clone();
        for (int hd = 0; hd < numHeads; hd++) {
            for (int j = 0; j < d / 2; j++) {
                double angle = pos * Math.pow(c.ropeTheta(), -2.0 * j / d);
                int a;
                int b;
                if (c.ropeLayout() == RopeLayout.INTERLEAVED) {
                    a = hd * d + 2 * j;
                    b = a + 1;
                } else {
                    a = hd * d + j;
                    b = a + d / 2;
                }
                double x0 = vec[a];
                double x1 = vec[b];
                out[a] = (float) (x0 * Math.cos(angle) - x1 * Math.sin(angle));
                out[b] = (float) (x0 * Math.sin(angle) + x1 * Math.cos(angle));
            }
        }
        return out;
    }

    private float[] rmsNorm(float[] x, float[] weight) {
        double ss = 0;
        for (float f : x) {
            ss += (double) f * f;
        }
        double inv = 1.0 / Math.sqrt(ss / x.length + c.rmsNormEps());
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] * inv * weight[i]);
        }
        return out;
    }

    private float[] matVec(int layer, String name, float[] x) {
        var t = w.get(LlamaWeights.layer(layer, name));
        int rows = (int) t.shape()[0];
        int cols = (int) t.shape()[1];
        float[] out = new float[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int i = 0; i < cols; i++) {
                s += (double) t.data()[r * cols + i] * x[i];
            }
            out[r] = (float) s;
        }
        String bias = "b" + name.substring(1);
        if (name.matches("w[qkv]") && w.has(LlamaWeights.layer(layer, bias))) {
            float[] b = w.get(LlamaWeights.layer(layer, bias)).data();
            for (int r = 0; r < rows; r++) {
                out[r] += b[r];
            }
        }
        return out;
    }

    private static float[] row(float[] table, int r, int width) {
        float[] out = new float[width];
        System.arraycopy(table, r * width, out, 0, width);
        return out;
    }
}
