package dev.gemrag.model.llama.compiled;

/**
 * TorchScript for {@link WeightFormat#INT4}: projections as 4-bit groups of 32 along the input
 * dimension, each group {@code w = (q - 8) * scale + zero} with {@code q} in 0..15 - the layout of
 * libtorch's CPU kernel {@code _weight_int4pack_mm_for_cpu} (BF16 activations, scale and zero in
 * BF16).
 *
 * <p>A group is quantised from its minimum and maximum (step = (max - min) / 15), which is how a
 * GGUF Q4_1 block is built: the FP32 weights dequantised from a Q4_1 file come back to the same
 * 4-bit codes, so for such a model the only rounding this format adds is BF16's (activations, and
 * each group's scale and zero). Other weights are rounded to 4 bits.
 */
final class Int4Weights {
    /** Columns per group; a projection's input dimension must be a multiple of it. */
    static final int GROUP = 32;

    /**
     * {@code quant4_more(out, ws)}: appends, for each FP32 weight {N, K} of {@code ws}, the packed
     * codes and the {K / 32, N, 2} BF16 scale/zero table to {@code out}.
     */
    static final String QUANTIZE_METHOD =
            "  def quant4_more(self, out: List[Tensor], ws: List[Tensor]) -> List[Tensor]:\n"
                    + "    for w in ws:\n"
                    + "      n = w.size(0)\n"
                    + "      k = w.size(1)\n"
                    + "      g = torch.reshape(w, [n, k // "
                    + GROUP
                    + ", "
                    + GROUP
                    + "])\n"
                    + "      lo = torch.amin(g, [2])\n"
                    + "      step = torch.div(torch.sub(torch.amax(g, [2]), lo), 15.0)\n"
                    // a constant group: any positive step codes it as q = 0 -> lo
                    + "      step = torch.where(torch.gt(step, 0.0), step, torch.ones_like(step))\n"
                    + "      q = torch.round(torch.div(torch.sub(g, torch.unsqueeze(lo, 2)),"
                    + " torch.unsqueeze(step, 2)))\n"
                    // 3 = torch.int32 (serialized TorchScript names dtypes by number)
                    + "      q = torch.reshape(torch.clamp(q, 0, 15), [n, k]).to(3)\n"
                    + "      out.append(torch._convert_weight_to_int4pack_for_cpu(q, 8))\n"
                    + "      zero = torch.add(lo, torch.mul(step, 8.0))\n"
                    + "      sz = torch.stack([torch.transpose(step, 0, 1), torch.transpose(zero, 0, 1)], 2)\n"
                    + "      out.append(sz.to(15).contiguous())\n"
                    + "    return out\n";

    private Int4Weights() {}

    /**
     * {@code x} {M, K} (FP32) times packed {@code w} with scale/zero table {@code sz}: {M, N} FP32;
     * the GEMM runs on BF16 activations.
     */
    static String matmul(String x, String w, String sz) {
        return "torch._weight_int4pack_mm_for_cpu("
                + x
                + ".to(15), "
                + w
                + ", "
                + GROUP
                + ", "
                + sz
                + ").float()";
    }
}
