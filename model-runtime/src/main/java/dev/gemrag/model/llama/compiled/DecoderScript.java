package dev.gemrag.model.llama.compiled;

import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.RopeLayout;
import java.util.Locale;

/**
 * The TorchScript source of a Llama-family decoder, generated for one config and weight format.
 *
 * <p>Methods (all tensors are arguments; see {@link CompiledDecoder} for the argument lists):
 *
 * <ul>
 *   <li>{@code prepack(ws, bs)}, {@code prepack_more(out, ws, bs)} (FP16 only): fbgemm-packs each
 *       projection once (one layer per call, appended to the first call's list);
 *   <li>{@code to_bf16_more(out, ws)} (BF16, and FP16/INT4 with released FP32 weights): appends
 *       BF16 copies of one layer's merged projections (or biases) to {@code out} (the head stays
 *       FP32); {@code to_bf16_packed_more(out, ws)} the same for weights in oneDNN's packed layout
 *       ({@link PackedBf16}, on CPUs with native BF16);
 *   <li>{@code hidden(...)}: the whole forward, ids {B, T} -> final-normed hidden states {B, T,
 *       hidden}, optionally writing the KV cache at slots [start, start + T);
 *   <li>{@code logits(...)}: the same, then the head at one flattened position per row -> {B,
 *       vocab}.
 * </ul>
 *
 * Per layer: RMSNorm, one merged q|k|v projection, RoPE from the eager model's cos/sin tables (so
 * any RoPE scaling the tables carry applies here too), fused {@code scaled_dot_product_attention}
 * with the caller's additive mask (GEM masks, left padding) and grouped K/V heads, the output
 * projection, RMSNorm, one merged gate|up projection, SiLU, the down projection. {@code lora_a} /
 * {@code lora_b} (empty: none) add a LoRA to every projection of that call only ({@link
 * ScriptLora}: a summary-only GEM adapter's summary step).
 */
final class DecoderScript {
    static final String CLASS_NAME = "GemragDecoder";
    private static final String PACKED = "__torch__.torch.classes.quantized.LinearPackedParamsBase";

    private DecoderScript() {}

    /**
     * @param lean the eager FP32 projections are released after compiling ({@link
     *     MultiTokenFormat#BF16}): FP16's and INT4's multi-token calls (prefill, embedding) run on
     *     BF16 copies of the merged projections ({@code dense}, {@code dense_bias}: 4 and 1 per
     *     layer; 5 weights where oneDNN-packed, gate and up apart: {@link PackedBf16}) and read the
     *     packed FP16 head (no FP32 head or table is held), BF16 runs every call on its one copy;
     *     otherwise every format but FP32 runs them on the eager model's FP32 weights and head
     * @param packBf16 BF16 weight copies are oneDNN-packed ({@code mkldnn._reorder_linear_weight},
     *     multiplied by {@code mkldnn._linear_pointwise}): needs a CPU with native BF16 ({@link
     *     MultiTokenFormat#nativeBf16()}); otherwise plain BF16 tensors and {@code torch.linear}
     */
    static String methods(LlamaConfig c, WeightFormat format, boolean lean, boolean packBf16) {
        if (lean && format == WeightFormat.FP32) {
            throw new IllegalArgumentException("FP32 weights cannot release the FP32 weights");
        }
        if (format == WeightFormat.EAGER) {
            throw new IllegalArgumentException("no script for the eager format");
        }
        boolean fp16 = format == WeightFormat.FP16;
        boolean bf16 = format == WeightFormat.BF16;
        boolean int4 = format == WeightFormat.INT4;
        boolean mergedMulti = lean && (fp16 || int4);
        String w = fp16 ? "List[" + PACKED + "]" : "List[Tensor]";
        String head = fp16 || int4 ? PACKED : "Tensor";
        int qd = c.numHeads() * c.headDim();
        int kd = c.numKvHeads() * c.headDim();
        StringBuilder s = new StringBuilder();
        if (fp16) {
            // bs: one merged q|k|v bias per layer (empty without attention bias); ws[4 * i] is
            // layer i's q|k|v
            s.append("  def prepack(self, ws: List[Tensor], bs: List[Tensor]) -> ")
                    .append(w)
                    .append(":\n")
                    .append("    return self.prepack_more(annotate(")
                    .append(w)
                    .append(", []), ws, bs)\n")
                    .append("  def prepack_more(self, out: ")
                    .append(w)
                    .append(", ws: List[Tensor], bs: List[Tensor]) -> ")
                    .append(w)
                    .append(":\n")
                    .append("    for j in range(len(ws)):\n")
                    .append("      bj = annotate(Optional[Tensor], None)\n")
                    .append("      if len(bs) > 0 and j % 4 == 0:\n")
                    .append("        bj = bs[j // 4]\n")
                    .append("      out.append(ops.quantized.linear_prepack_fp16(ws[j], bj))\n")
                    .append("    return out\n");
        }
        if (fp16 || int4) {
            s.append("  def prepack_one(self, w: Tensor) -> ")
                    .append(head)
                    .append(":\n")
                    .append("    return ops.quantized.linear_prepack_fp16(w, None)\n");
        }
        if (int4) {
            s.append(Int4Weights.QUANTIZE_METHOD);
        }
        if (bf16 || mergedMulti) {
            // 15 = torch.bfloat16 (serialized TorchScript names dtypes by their ScalarType number)
            s.append(
                            "  def to_bf16_more(self, out: List[Tensor], ws: List[Tensor]) -> List[Tensor]:\n")
                    .append("    for w in ws:\n")
                    .append("      out.append(w.to(15))\n")
                    .append("    return out\n");
            if (packBf16) {
                s.append(PackedBf16.PACK_METHOD);
            }
        }
        String args =
                "ids: Tensor, pos: Tensor, mask: Tensor, keys: List[Tensor], values: List[Tensor], start: int, "
                        + "embed: Tensor, extra: Tensor, cos: Tensor, sin: Tensor, norms: List[Tensor], lin: "
                        + w
                        + ", bias: List[Tensor], dense: List[Tensor], dense_bias: List[Tensor], force_dense: bool, "
                        + "lora_a: List[Tensor], lora_b: List[Tensor], groups: List[int]";
        String pass =
                "ids, pos, mask, keys, values, start, embed, extra, cos, sin, norms, lin, bias, dense, dense_bias, "
                        + "force_dense, lora_a, lora_b, groups";
        s.append("  def hidden(self, ").append(args).append(") -> Tensor:\n");
        s.append("    b = ids.size(0)\n    t = ids.size(1)\n");
        s.append("    vocab = ").append(c.vocabSize()).append("\n");
        // embed: the ids' token-embedding rows {B, T, hidden}, gathered by the caller (no FP32
        // table is held, LlamaModel.embeddingRows); GEM summary tokens (ids >= vocab) select the
        // extra rows instead (the head keeps the base vocabulary)
        s.append("    if extra.size(0) > 0 and bool(torch.any(torch.ge(ids, vocab))):\n")
                .append(
                        "      more = torch.embedding(extra, torch.clamp(torch.sub(ids, vocab), 0, extra.size(0) - 1))\n")
                .append(
                        "      x = torch.where(torch.unsqueeze(torch.ge(ids, vocab), -1), more, embed)\n")
                .append("    else:\n")
                .append("      x = embed\n");
        s.append("    c = torch.unsqueeze(torch.embedding(cos, pos), 1)\n");
        s.append("    sn = torch.unsqueeze(torch.embedding(sin, pos), 1)\n");
        s.append("    cached = len(keys) > 0\n");
        // a LoRA for this call only (a summary-only adapter's summary step): 4 pairs per layer,
        // A^T {in, r} and scale * B^T {r, out} for q|k|v, o, gate|up, down (r may be 0)
        s.append("    lora = len(lora_a) > 0\n");
        // Each call reads its projections from one of two sources: the step source (one token
        // per row: a decode step) and, where the format has one, the multi-token source (more
        // than one token per row: prefill, scoring; and the embedding forward, force_dense).
        // FP16: fbgemm's packed GEMM wins for decode steps but not for prefill (at 128 tokens on a
        // par with FP32 sgemm, at 512 well behind); INT4's kernel is 5-10x slower than BF16 at 128
        // rows; BF16 decode steps are half FP16's speed. So the multi-token source is its own:
        // BF16 copies (lean: oneDNN's BF16 GEMM, 1.3-3x FP32 for prefill on a CPU with
        // AVX512-BF16 or AMX; BF16 weights use their one copy for everything) or the eager model's
        // FP32
        // weights (unmerged, no copy). Deciding by tokens per row, never by batch size, keeps a
        // prompt's numbers the same alone and in any batch.
        Source step = new Source(format, "lin", "bias", bf16 && packBf16);
        Source multi = null;
        String big = null;
        if (fp16 || int4) {
            multi =
                    mergedMulti
                            ? new Source(WeightFormat.BF16, "dense", "dense_bias", packBf16)
                            : Source.EAGER;
            big = "force_dense or t > 1";
        } else if (bf16 && !lean) {
            multi = Source.EAGER;
            big = "force_dense or t > 1";
        }
        if (big != null) {
            s.append("    big = ").append(big).append("\n");
        }
        int f = c.intermediateSize();
        s.append("    for i in range(").append(c.numLayers()).append("):\n");
        s.append("      h = torch.rms_norm(x, [")
                .append(c.hiddenSize())
                .append("], norms[2 * i], ")
                .append(eps(c))
                .append(")\n");
        project(s, c, multi, step, "h", 0, "q", "k", "v");
        s.append("      if lora:\n")
                .append("        dq = ")
                .append(lora("h", 0))
                .append("\n")
                .append("        q = torch.add(q, dq[:, :, 0:")
                .append(qd)
                .append("])\n")
                .append("        k = torch.add(k, dq[:, :, ")
                .append(qd)
                .append(":")
                .append(qd + kd)
                .append("])\n")
                .append("        v = torch.add(v, dq[:, :, ")
                .append(qd + kd)
                .append(":")
                .append(qd + 2 * kd)
                .append("])\n");
        s.append("      q = torch.transpose(torch.reshape(q, [b, t, ")
                .append(c.numHeads())
                .append(", ")
                .append(c.headDim())
                .append("]), 1, 2)\n");
        s.append("      k = torch.transpose(torch.reshape(k, [b, t, ")
                .append(c.numKvHeads())
                .append(", ")
                .append(c.headDim())
                .append("]), 1, 2)\n");
        s.append("      v = torch.transpose(torch.reshape(v, [b, t, ")
                .append(c.numKvHeads())
                .append(", ")
                .append(c.headDim())
                .append("]), 1, 2)\n");
        s.append("      q = torch.add(torch.mul(q, c), torch.mul(")
                .append(partner(c, "q", c.numHeads()))
                .append(", sn))\n");
        s.append("      k = torch.add(torch.mul(k, c), torch.mul(")
                .append(partner(c, "k", c.numKvHeads()))
                .append(", sn))\n");
        s.append("      if cached:\n")
                .append("        kc = keys[i]\n        vc = values[i]\n")
                .append("        kc[:, :, start:start + t] = k\n")
                .append("        vc[:, :, start:start + t] = v\n")
                .append("        k = kc[:, :, 0:start + t]\n")
                .append("        v = vc[:, :, 0:start + t]\n");
        boolean gqa = c.numKvHeads() != c.numHeads();
        // one query per row (a decode step): the heads that share a K/V head become that head's
        // queries, so attention runs on the cache as it is. With enable_gqa libtorch 2.7.1 takes
        // its unfused path, which copies K and V once per query head group (repeat_interleave):
        // 30-45% of a batch-8 decode step in a profile.
        // {rows, kvHeads, query heads per K/V head, headDim} after the rows' count
        String grouped =
                ", "
                        + c.numKvHeads()
                        + ", "
                        + c.numHeads() / c.numKvHeads()
                        + ", "
                        + c.headDim()
                        + "]";
        String heads = "[b, " + c.numHeads() + ", 1, " + c.headDim() + "]";
        // a decode step with groups (triples: rows [from, to) whose own cache slots are [first,
        // start + 1)): each group attends to its slots in a call of its own, without a mask. A
        // batched call over rows with other first slots reads their padding too: masked slots add
        // exact zeros, but shifted by the padding they land in other SIMD lanes and kernel blocks,
        // so a row's sums round differently alone and in a batch (~1e-5 per step; INT4's BF16
        // activations amplify that into other greedy tokens). So a group's rows share their first
        // slot, and the call has the shapes and values each row has alone. The fused kernel's
        // result for a row does not depend on the other rows of its call only when MKL (its small
        // GEMMs) runs in conditional-numerical-reproducibility mode: otherwise MKL picks its code
        // path by the per-thread buffers' alignment, which moves with the rows in the call (one
        // row per group then: CompiledDecoder.rowGroups).
        s.append("      if t == 1 and len(groups) > 0:\n")
                .append("        rows = annotate(List[Tensor], [])\n")
                .append("        for g in range(len(groups) // 3):\n")
                .append("          r0 = groups[3 * g]\n")
                .append("          r1 = groups[3 * g + 1]\n")
                .append("          f = groups[3 * g + 2]\n")
                .append("          rows.append(torch.scaled_dot_product_attention(torch.reshape(")
                .append("q[r0:r1], [r1 - r0")
                .append(grouped)
                .append("), k[r0:r1, :, f:], v[r0:r1, :, f:], None, 0.0, False, scale=None))\n")
                .append("        a = torch.reshape(torch.cat(rows, 0), ")
                .append(heads)
                .append(")\n");
        if (gqa) {
            s.append("      elif t == 1:\n")
                    .append("        a = torch.reshape(torch.scaled_dot_product_attention(")
                    .append("torch.reshape(q, [b")
                    .append(grouped)
                    .append("), k, v, mask, 0.0, False, scale=None), ")
                    .append(heads)
                    .append(")\n");
        }
        // more than one query per row (prefill, the embedding pass, scoring): K/V heads are
        // repeated for their query heads first, because with enable_gqa libtorch 2.7.1 takes its
        // unfused path: 30 layers' attention, interleaved in one process on the Zen 4, 1 x 512
        // tokens 241-259 ms with enable_gqa vs 126-136 ms repeated, 4 x 512 1,523-1,525 vs
        // 525-594 ms, 4 x 128 52-54 vs 37 ms (outputs within 1e-6)
        s.append("      else:\n");
        if (gqa) {
            int rep = c.numHeads() / c.numKvHeads();
            s.append("        k = torch.repeat_interleave(k, ")
                    .append(rep)
                    .append(", 1)\n")
                    .append("        v = torch.repeat_interleave(v, ")
                    .append(rep)
                    .append(", 1)\n");
        }
        s.append(
                "        a = torch.scaled_dot_product_attention(q, k, v, mask, 0.0, False, scale=None)\n");
        s.append("      a = torch.reshape(torch.transpose(a, 1, 2), [b, t, ")
                .append(qd)
                .append("])\n");
        project(s, c, multi, step, "a", 1, "o");
        s.append("      x = torch.add(x, o)\n");
        s.append("      if lora:\n")
                .append("        x = torch.add(x, ")
                .append(lora("a", 1))
                .append(")\n");
        s.append("      h = torch.rms_norm(x, [")
                .append(c.hiddenSize())
                .append("], norms[2 * i + 1], ")
                .append(eps(c))
                .append(")\n");
        StringBuilder mlp = new StringBuilder();
        project(mlp, c, multi, step, "h", 2, "g", "u");
        mlp.append("      if lora:\n")
                .append("        dgu = ")
                .append(lora("h", 2))
                .append("\n")
                .append("        g = torch.add(g, dgu[:, :, 0:")
                .append(f)
                .append("])\n")
                .append("        u = torch.add(u, dgu[:, :, ")
                .append(f)
                .append(":")
                .append(2 * f)
                .append("])\n");
        mlp.append("      m = torch.mul(torch.silu(g), u)\n");
        String fused = fusedMlpCondition(multi, step);
        if (fused == null) {
            s.append(mlp);
        } else {
            // packed BF16 weights: SiLU and the gate product run as the GEMMs' post-ops, and
            // the product stays BF16 for the down projection (no FP32 round trip of the widest
            // activations); a call's LoRA needs g and u apart, so it keeps the unfused form
            Source packed = multi != null && multi.packedBf16() ? multi : step;
            s.append("      if ").append(fused).append(":\n");
            s.append("        m = torch.reshape(")
                    .append(
                            PackedBf16.gatedMlp(
                                    "torch.reshape(h, [-1, " + c.hiddenSize() + "]).to(15)",
                                    packed.weights()))
                    .append(", [b, t, ")
                    .append(f)
                    .append("])\n");
            s.append("      else:\n");
            s.append(mlp.toString().replaceAll("(?m)^", "  "));
        }
        project(s, c, multi, step, "m", 3, "d");
        s.append("      x = torch.add(x, d)\n");
        s.append("      if lora:\n")
                .append("        x = torch.add(x, ")
                .append(lora("m", 3))
                .append(")\n");
        s.append("    return torch.rms_norm(x, [")
                .append(c.hiddenSize())
                .append("], norms[")
                .append(2 * c.numLayers())
                .append("], ")
                .append(eps(c))
                .append(")\n");
        s.append("  def logits(self, ")
                .append(args)
                .append(", rows: Tensor, head: ")
                .append(head)
                .append(", head_dense: Tensor) -> Tensor:\n");
        s.append("    x = self.hidden(").append(pass).append(")\n");
        s.append("    x = torch.index_select(torch.reshape(x, [-1, ")
                .append(c.hiddenSize())
                .append("]), 0, rows)\n");
        if ((fp16 || int4) && !lean) {
            s.append("    if force_dense or ids.size(1) > 1:\n");
            s.append("      return torch.linear(x, head_dense)\n");
        }
        // lean FP16/INT4: multi-token calls read the packed FP16 head as decode steps do (one
        // copy of the head, no FP32 table: the embedding rows come from the checkpoint); logits
        // stay FP32 (fbgemm rounds only the weights)
        if (int4) {
            // the head stays fbgemm FP16, as in FP16: 4 bits would round every logit (the GGUF's
            // head is not necessarily on a 4-bit grid either)
            s.append("    return ")
                    .append(linear(WeightFormat.FP16, "x", "head", null))
                    .append("\n");
            return s.toString();
        }
        if (bf16) {
            // the head stays FP32: a BF16 GEMM returns BF16, and logits of ~15 rounded to 8 bits
            // (steps of 0.06)
            // would tie and swap the top candidates
            s.append("    return torch.linear(x, head_dense)\n");
            return s.toString();
        }
        s.append("    return ").append(linear(format, "x", "head", null)).append("\n");
        return s.toString();
    }

    /**
     * Where a call reads its projections: {@code weights} (and {@code biases}, the merged q|k|v
     * bias per layer) in {@code format}, 4 merged projections per layer (q|k|v, o, gate|up, down;
     * INT4: codes and scale/zero table for each, 8 per layer), or the eager model's 7 unmerged FP32
     * weights per layer ({@link #EAGER}: wq wk wv wo w1 w2 w3, 3 biases per layer); {@code
     * packedBf16}: BF16 weights in oneDNN's packed layout ({@link PackedBf16}).
     */
    private record Source(WeightFormat format, String weights, String biases, boolean packedBf16) {
        static final Source EAGER = new Source(null, "dense", "dense_bias", false);
    }

    /**
     * The script condition under which a layer's MLP runs fused ({@link PackedBf16#gatedMlp}): the
     * source that call reads is oneDNN-packed and the call has no LoRA; null where neither source
     * is packed.
     */
    private static String fusedMlpCondition(Source multi, Source step) {
        boolean packedMulti = multi != null && multi.packedBf16();
        boolean packedStep = step.packedBf16();
        if (packedMulti && packedStep) {
            return "not lora";
        }
        if (packedMulti) {
            return "big and not lora";
        }
        if (packedStep) {
            return multi == null ? "not lora" : "not big and not lora";
        }
        return null;
    }

    /** Sizes of merged projection j's parts (q|k|v, o, gate|up, down). */
    private static int[] parts(LlamaConfig c, int j) {
        int qd = c.numHeads() * c.headDim();
        int kd = c.numKvHeads() * c.headDim();
        return switch (j) {
            case 0 -> new int[] {qd, kd, kd};
            case 2 -> new int[] {c.intermediateSize(), c.intermediateSize()};
            default -> new int[] {c.hiddenSize()};
        };
    }

    /**
     * Assigns {@code outs} (the parts of merged projection j of layer i applied to x): from {@code
     * multi} when the script's {@code big} is true, else from {@code step}; multi null: always
     * step.
     */
    private static void project(
            StringBuilder s,
            LlamaConfig c,
            Source multi,
            Source step,
            String x,
            int j,
            String... outs) {
        if (multi == null) {
            project(s, "      ", c, step, x, j, outs);
            return;
        }
        s.append("      if big:\n");
        project(s, "        ", c, multi, x, j, outs);
        s.append("      else:\n");
        project(s, "        ", c, step, x, j, outs);
    }

    private static void project(
            StringBuilder s,
            String indent,
            LlamaConfig c,
            Source src,
            String x,
            int j,
            String[] outs) {
        boolean bias = j == 0 && c.attentionBias();
        if (src.format() == null) {
            int[][] eager = {{0, 1, 2}, {3}, {4, 6}, {5}}; // unmerged: wq wk wv wo w1 w2 w3
            for (int n = 0; n < outs.length; n++) {
                s.append(indent)
                        .append(outs[n])
                        .append(" = torch.linear(")
                        .append(x)
                        .append(", dense[7 * i + ")
                        .append(eager[j][n])
                        .append("]")
                        .append(bias ? ", dense_bias[3 * i + " + n + "]" : "")
                        .append(")\n");
            }
            return;
        }
        int[] sizes = parts(c, j);
        int out = 0;
        for (int size : sizes) {
            out += size;
        }
        int in =
                j == 1
                        ? c.numHeads() * c.headDim()
                        : j == 3 ? c.intermediateSize() : c.hiddenSize();
        String b = bias ? src.biases() + "[i]" : null;
        String expr;
        if (src.format() == WeightFormat.INT4) {
            String w = src.weights();
            String mm =
                    Int4Weights.matmul(
                            "torch.reshape(" + x + ", [-1, " + in + "])",
                            w + "[8 * i + " + 2 * j + "]",
                            w + "[8 * i + " + (2 * j + 1) + "]");
            String r = "torch.reshape(" + mm + ", [b, t, " + out + "])";
            expr = b == null ? r : "torch.add(" + r + ", " + b + ")";
        } else if (src.packedBf16() && j == 2) {
            // gate and up are packed apart (PackedBf16.PACK_METHOD)
            for (int n = 0; n < 2; n++) {
                String mm =
                        PackedBf16.matmul(
                                "torch.reshape(" + x + ", [-1, " + in + "])",
                                src.weights() + "[" + PackedBf16.index(2, n) + "]",
                                null);
                s.append(indent)
                        .append(outs[n])
                        .append(" = torch.reshape(")
                        .append(mm)
                        .append(", [b, t, ")
                        .append(sizes[n])
                        .append("])\n");
            }
            return;
        } else if (src.packedBf16()) {
            String mm =
                    PackedBf16.matmul(
                            "torch.reshape(" + x + ", [-1, " + in + "])",
                            src.weights() + "[" + PackedBf16.index(j, 0) + "]",
                            b);
            expr = "torch.reshape(" + mm + ", [b, t, " + out + "])";
        } else {
            expr = linear(src.format(), x, src.weights() + "[4 * i + " + j + "]", b);
        }
        String whole = outs.length == 1 ? outs[0] : String.join("", outs);
        s.append(indent).append(whole).append(" = ").append(expr).append("\n");
        int from = 0;
        for (int n = 0; outs.length > 1 && n < outs.length; n++) {
            s.append(indent)
                    .append(outs[n])
                    .append(" = ")
                    .append(whole)
                    .append("[:, :, ")
                    .append(from)
                    .append(":")
                    .append(from + sizes[n])
                    .append("]\n");
            from += sizes[n];
        }
    }

    /** The LoRA delta of merged projection {@code j} of layer i (q|k|v, o, gate|up, down). */
    private static String lora(String x, int j) {
        return "torch.matmul(torch.matmul("
                + x
                + ", lora_a[4 * i + "
                + j
                + "]), lora_b[4 * i + "
                + j
                + "])";
    }

    private static String linear(WeightFormat format, String x, String w, String bias) {
        if (format == WeightFormat.FP16) {
            return "ops.quantized.linear_dynamic_fp16("
                    + x
                    + ", "
                    + w
                    + ")"; // bias is packed with w
        }
        if (format == WeightFormat.BF16) {
            // activations rounded to BF16 for the GEMM only; the residual stream, norms and
            // attention stay FP32
            return "torch.linear("
                    + x
                    + ".to(15), "
                    + w
                    + (bias == null ? "" : ", " + bias)
                    + ").float()";
        }
        return "torch.linear(" + x + ", " + w + (bias == null ? "" : ", " + bias) + ")";
    }

    /** Each dimension's RoPE pair partner in its place; the signed sin table supplies the sign. */
    private static String partner(LlamaConfig c, String x, int heads) {
        int d = c.headDim();
        if (c.ropeLayout() == RopeLayout.HALF_SPLIT) {
            return "torch.cat(["
                    + x
                    + "[:, :, :, "
                    + d / 2
                    + ":"
                    + d
                    + "], "
                    + x
                    + "[:, :, :, 0:"
                    + d / 2
                    + "]], -1)";
        }
        return "torch.reshape(torch.flip(torch.reshape("
                + x
                + ", [b, "
                + heads
                + ", t, "
                + d / 2
                + ", 2]), [-1]), [b, "
                + heads
                + ", t, "
                + d
                + "])";
    }

    private static String eps(LlamaConfig c) {
        return String.format(Locale.ROOT, "%.9e", (double) c.rmsNormEps());
    }
}
