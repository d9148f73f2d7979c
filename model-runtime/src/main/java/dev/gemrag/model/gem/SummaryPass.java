package dev.gemrag.model.gem;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.llama.KvCache;
import dev.gemrag.model.llama.LinearWeights;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import dev.gemrag.model.llama.compiled.ScriptLora;
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
        int t = longest(texts);
        try (KvCache cache = model.newCache(texts.size(), Math.max(t, 1))) {
            if (t > 0) {
                GemBatch prefill = prefill(m, texts, t);
                model.forward(
                                prefill.ids(),
                                prefill.positions(),
                                prefill.mask(),
                                cache,
                                model.baseLinear())
                        .close();
            }
            GemBatch step = summaryStep(model, m, texts, k, t);
            NDArray hidden =
                    model.forward(
                            step.ids(),
                            step.positions(),
                            step.mask(),
                            cache.frozenView(),
                            summaryLinear);
            return k == 1 ? hidden.squeeze(1) : hidden.mean(new int[] {1});
        }
    }

    /**
     * The same pass, inference only, on a compiled decoder: the text prefill with the base weights,
     * then the summary step with the adapter's LoRA ({@code lora}, built from the same {@link
     * SummaryLora}) added inside the compiled call; the cache is written in place.
     */
    public static NDArray pooled(
            CompiledDecoder compiled, NDManager m, List<int[]> texts, int k, ScriptLora lora) {
        LlamaModel model = compiled.model();
        int t = longest(texts);
        try (KvCache cache = model.newCache(texts.size(), t + k)) {
            if (t > 0) {
                GemBatch prefill = prefill(m, texts, t);
                compiled.forward(prefill.ids(), prefill.positions(), prefill.mask(), cache).close();
            }
            GemBatch step = summaryStep(model, m, texts, k, t);
            NDArray hidden =
                    compiled.forward(step.ids(), step.positions(), step.mask(), cache, lora);
            return k == 1 ? hidden.squeeze(1) : hidden.mean(new int[] {1});
        }
    }

    private static int longest(List<int[]> texts) {
        int t = 0;
        for (int[] row : texts) {
            t = Math.max(t, row.length);
        }
        return t;
    }

    /** The texts right-padded to t, causal within each text. */
    private static GemBatch prefill(NDManager m, List<int[]> texts, int t) {
        List<GemLayout> layouts = new ArrayList<>(texts.size());
        for (int[] row : texts) {
            layouts.add(GemLayout.plain(row.length));
        }
        return GemBatch.of(m, texts, layouts, GemMasks.additive(layouts, t));
    }

    /**
     * The k summary tokens of every row after t cached text slots: ids and positions {B, k}, mask
     * {B, 1, k, t + k} (a row's text slots and the token's own slot).
     */
    private static GemBatch summaryStep(
            LlamaModel model, NDManager m, List<int[]> texts, int k, int t) {
        int b = texts.size();
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
        return new GemBatch(
                m.create(ids, new Shape(b, k)),
                m.create(positions, new Shape(b, k)),
                m.create(mask, new Shape(b, 1, k, t + k)),
                k);
    }
}
