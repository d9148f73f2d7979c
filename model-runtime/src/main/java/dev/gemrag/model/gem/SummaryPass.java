package dev.gemrag.model.gem;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.llama.KvCache;
import dev.gemrag.model.llama.LinearWeights;
import dev.gemrag.model.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;

/**
 * GEM embedding for a summary-only adapter (docs/ADAPTER_FORMAT.md, {@code lora.positions =
 * "summary"}): the text is prefilled with the base weights into a KV cache, then the k summary
 * tokens run as one decode step through {@code summaryLinear} (base + LoRA). Under the GEM mask a
 * summary token sees the text and itself only, so this equals one forward over text + summary
 * tokens in which the LoRA applies at the summary positions alone; text tokens never see the
 * adapter, and the text's keys/values are exactly those of a plain prefill (generation keeps the
 * base model's behaviour).
 *
 * <p>Training uses the same pass: the prefill involves nothing that requires a gradient, so
 * autograd records only the summary step, which reads the cache through {@link
 * KvCache#frozenView()} (keys and values concatenated, never written in place: in-place writes of
 * tracked values into the cache gave non-finite gradients on the 135M model).
 */
public final class SummaryPass {
    private SummaryPass() {}

    /**
     * Last hidden states (after the final norm) at the summary positions, mean over k, {@code {B,
     * H}} in {@code m}.
     *
     * @param texts text ids without summary tokens (may be empty)
     */
    public static NDArray pooled(
            LlamaModel model, NDManager m, List<int[]> texts, int k, LinearWeights summaryLinear) {
        int b = texts.size();
        int t = 0;
        for (int[] row : texts) {
            t = Math.max(t, row.length);
        }
        try (KvCache cache = model.newCache(b, Math.max(t, 1))) {
            if (t > 0) {
                List<GemLayout> layouts = new ArrayList<>(b);
                for (int[] row : texts) {
                    layouts.add(GemLayout.plain(row.length));
                }
                GemBatch prefill = GemBatch.of(m, texts, layouts, GemMasks.additive(layouts, t));
                model.forward(
                                prefill.ids(),
                                prefill.positions(),
                                prefill.mask(),
                                cache,
                                model.baseLinear())
                        .close();
            }
            long[] ids = new long[b * k];
            long[] positions = new long[b * k];
            float[] mask = new float[b * k * (t + k)];
            for (int r = 0; r < b; r++) {
                int len = texts.get(r).length;
                for (int j = 0; j < k; j++) {
                    ids[r * k + j] = model.vocabSize() + j;
                    positions[r * k + j] = len + j;
                    int row = (r * k + j) * (t + k);
                    for (int s = 0; s < t + k; s++) {
                        // text slots of this row, then this summary token's own slot (never
                        // another's)
                        boolean ok = s < len || s == t + j;
                        mask[row + s] = ok ? 0f : GemMasks.MASKED;
                    }
                }
            }
            NDArray hidden =
                    model.forward(
                            m.create(ids, new Shape(b, k)),
                            m.create(positions, new Shape(b, k)),
                            m.create(mask, new Shape(b, 1, k, t + k)),
                            cache.frozenView(),
                            summaryLinear);
            return k == 1 ? hidden.squeeze(1) : hidden.mean(new int[] {1});
        }
    }
}
