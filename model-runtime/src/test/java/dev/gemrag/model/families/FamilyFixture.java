package dev.gemrag.model.families;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.LlamaModel;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One family's tiny random checkpoint from {@code tools/fixtures/make_family_fixtures.py}: the
 * GGUF, the same weights as a Hugging Face directory, and llama.cpp's logits on fixed ids.
 */
public record FamilyFixture(
        String family, Path gguf, Path hfDir, int[] ids, float[][] llamaCppLogits) {
    public static final String[] FAMILIES = {"llama3", "qwen3", "smollm3"};

    public static FamilyFixture load(String family) {
        try {
            Path dir =
                    Path.of(
                                    FamilyFixture.class
                                            .getResource("/families/" + family + "/model.gguf")
                                            .toURI())
                            .getParent();
            if (!Files.isRegularFile(
                    dir.resolve("llamacpp.json"))) { // checkpoints only (make_family_fixtures
                // --files-only)
                return new FamilyFixture(
                        family, dir.resolve("model.gguf"), dir.resolve("hf"), null, null);
            }
            JsonNode root =
                    new ObjectMapper().readTree(Files.readString(dir.resolve("llamacpp.json")));
            JsonNode idsNode = root.get("ids");
            int[] ids = new int[idsNode.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = idsNode.get(i).asInt();
            }
            JsonNode rows = root.get("logits");
            float[][] logits = new float[rows.size()][];
            for (int t = 0; t < logits.length; t++) {
                logits[t] = new float[rows.get(t).size()];
                for (int v = 0; v < logits[t].length; v++) {
                    logits[t][v] = (float) rows.get(t).get(v).asDouble();
                }
            }
            return new FamilyFixture(
                    family, dir.resolve("model.gguf"), dir.resolve("hf"), ids, logits);
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("family fixture " + family + ": " + e.getMessage(), e);
        }
    }

    /** Our logits {T, vocab} for these ids at positions 0..T-1 under a causal mask. */
    public static float[][] logits(LlamaConfig config, LlamaWeights weights, int[] ids) {
        try (LlamaModel model = LlamaModel.create(config, weights, Device.cpu());
                NDManager m = model.newManager()) {
            long[] tok = new long[ids.length];
            long[] pos = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                tok[i] = ids[i];
                pos[i] = i;
            }
            NDArray hidden =
                    model.forward(
                            m.create(tok, new Shape(1, ids.length)),
                            m.create(pos, new Shape(1, ids.length)),
                            AttentionMasks.causal(m, 1, ids.length, 0, null),
                            null);
            float[] flat = model.logits(hidden).toFloatArray();
            int vocab = flat.length / ids.length;
            float[][] out = new float[ids.length][vocab];
            for (int t = 0; t < ids.length; t++) {
                System.arraycopy(flat, t * vocab, out[t], 0, vocab);
            }
            return out;
        }
    }

    static double maxAbsDiff(float[][] a, float[][] b) {
        double max = 0;
        for (int t = 0; t < a.length; t++) {
            for (int v = 0; v < a[t].length; v++) {
                max = Math.max(max, Math.abs(a[t][v] - b[t][v]));
            }
        }
        return max;
    }

    static int top1Agreements(float[][] a, float[][] b) {
        int same = 0;
        for (int t = 0; t < a.length; t++) {
            if (argmax(a[t]) == argmax(b[t])) {
                same++;
            }
        }
        return same;
    }

    static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
