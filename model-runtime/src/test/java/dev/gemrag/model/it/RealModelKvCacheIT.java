package dev.gemrag.model.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.llama.AttentionMasks;
import dev.gemrag.model.llama.KvCache;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.compiled.CompiledDecoder;
import dev.gemrag.model.llama.compiled.WeightFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KV-cache decoding on the real model equals recomputing the whole sequence at every step, and a
 * batch of prompts of different lengths (left-padded) gives each prompt what it gets alone; both on
 * the serving path (the compiled decoder unless {@code gemrag.model.weights=eager}).
 */
class RealModelKvCacheIT {
    private static final int DECODE = 32;
    private static RealModel model;
    private static CompiledDecoder forward; // null: eager

    @BeforeAll
    static void load() {
        model = RealModel.get();
    }

    @Test
    void thirtyTwoCachedDecodeStepsEqualFullRecomputation() {
        // Raw prose, so the model has no reason to stop before 32 tokens.
        int[] prompt =
                model.tokenizer.encode(
                        "The Debian project maintains a large collection of free software"
                                + " packages. Each package is built from a source package, which");
        GenerationResult gen =
                model.generator
                        .generateTokens(List.of(prompt), GenerationParams.greedy(DECODE))
                        .get(0);
        List<Integer> produced = gen.tokens();
        assertThat(produced).as("greedy tokens from the Generator (cache)").hasSize(DECODE);

        List<Integer> seq = new ArrayList<>();
        for (int t : prompt) {
            seq.add(t);
        }
        seq.addAll(produced);
        LlamaModel llama = model.llama;
        int p = prompt.length;
        double worst = 0;
        int nearTies = 0;
        // the logit comparison runs the compiled FP32 twin when serving FP16: FP16 decode steps and
        // an FP32
        // whole-sequence pass differ by FP16 rounding (~2e-2), which would hide nothing but blur
        // the bound; the
        // cache code is the same in both formats (the tokens above come from the serving FP16 path)
        try (CompiledDecoder compiled =
                        model.compiled == null
                                ? null
                                : CompiledDecoder.create(llama, WeightFormat.FP32);
                NDManager m = llama.newManager();
                KvCache cache = llama.newCache(1, p + DECODE)) {
            forward = compiled;
            // Full recomputation without any cache: one causal pass over prompt + all produced
            // tokens; row
            // p-1+k holds exactly what recomputing the first p+k tokens from scratch gives at step
            // k.
            float[][] full = rowLogits(llama, m, seq, 0, seq.size(), null);
            float[] cached = rowLogits(llama, m, seq, 0, p, cache)[p - 1];
            System.out.printf(
                    "KV cache IT: logits on the %s path%n",
                    compiled == null ? "eager" : "compiled FP32");
            for (int k = 0; k < DECODE; k++) {
                float[] recomputed = full[p - 1 + k];
                // a format that rounds activations to BF16 may take the runner-up where FP32's
                // lead is a near tie (TokenScores.NEAR_TIE); the context stays the produced one
                if (TokenScores.roundsActivations(WeightFormat.configured())
                        && TokenScores.lead(recomputed) < TokenScores.NEAR_TIE) {
                    nearTies++;
                } else {
                    assertThat(TokenScores.argMax(recomputed, 0, recomputed.length))
                            .as("full recomputation's arg-max at decode step %d", k)
                            .isEqualTo(produced.get(k));
                }
                worst = Math.max(worst, TokenScores.maxAbsDiff(cached, recomputed));
                if (k + 1 < DECODE) {
                    cached =
                            rowLogits(llama, m, seq, p + k, p + k + 1, cache)[0]; // one decode step
                }
            }
        }
        System.out.printf(
                "KV cache: %d decode steps, tokens equal (%d near ties not compared), worst |logit diff|"
                        + " cached vs full %.2e; text: %s%n",
                DECODE, nearTies, worst, gen.text());
        assertThat(worst).as("largest logit difference, cached vs recomputed").isLessThan(1e-2);
        assertThat(nearTies).as("decode steps at an FP32 near tie, not compared").isLessThan(8);
    }

    @Test
    void aBatchOfDifferentLengthsGivesEachPromptItsOwnReply() {
        List<String> prompts =
                List.of(
                        model.chat.render(List.of(ChatMessage.user("Hi"))),
                        model.chat.render(
                                List.of(ChatMessage.user("Write one sentence about the sea."))),
                        model.chat.render(
                                List.of(
                                        ChatMessage.user(
                                                "List three colours of the rainbow, then explain in a few"
                                                        + " words why the sky looks blue on a clear day."))));
        GenerationParams params = GenerationParams.greedy(16);
        List<GenerationResult> batch = model.generator.generate(prompts, params);
        assertThat(batch).hasSize(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            GenerationResult alone =
                    model.generator.generate(List.of(prompts.get(i)), params).get(0);
            System.out.printf(
                    "prompt %d (%d tokens): batch %s | alone %s%n",
                    i, alone.promptTokens(), batch.get(i).tokens(), alone.tokens());
            assertThat(batch.get(i).promptTokens()).isEqualTo(alone.promptTokens());
            assertThat(batch.get(i).tokens())
                    .as("prompt %d in a batch vs alone", i)
                    .isEqualTo(alone.tokens());
        }
        assertThat(batch.get(0).promptTokens()).isLessThan(batch.get(2).promptTokens() - 10);
    }

    /**
     * Logits for every token of seq[from, to), positions from..to-1, through the cache when given.
     */
    private static float[][] rowLogits(
            LlamaModel llama,
            NDManager parent,
            List<Integer> seq,
            int from,
            int to,
            KvCache cache) {
        // the serving path: the compiled decoder when there is one
        int t = to - from;
        long[] ids = new long[t];
        long[] pos = new long[t];
        for (int i = 0; i < t; i++) {
            ids[i] = seq.get(from + i);
            pos[i] = from + i;
        }
        try (NDManager m = parent.newSubManager()) {
            int past = cache == null ? 0 : cache.length();
            NDArray idsArray = m.create(ids, new Shape(1, t));
            NDArray posArray = m.create(pos, new Shape(1, t));
            NDArray mask = AttentionMasks.causal(m, 1, t, past, null);
            float[] flat =
                    forward != null
                            ? forward.logits(idsArray, posArray, mask, cache).toFloatArray()
                            : llama.logits(llama.forward(idsArray, posArray, mask, cache))
                                    .toFloatArray();
            int vocab = flat.length / t;
            float[][] rows = new float[t][];
            for (int i = 0; i < t; i++) {
                rows[i] = java.util.Arrays.copyOfRange(flat, i * vocab, (i + 1) * vocab);
            }
            return rows;
        }
    }
}
