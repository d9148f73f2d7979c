package dev.gemrag.model.llama.compiled;

/**
 * TorchScript for BF16 weights held in oneDNN's packed (blocked) layout: packed once with {@code
 * mkldnn._reorder_linear_weight}, multiplied with {@code mkldnn._linear_pointwise}. A plain BF16
 * weight given to {@code torch.linear} is reordered into that layout by oneDNN on every call.
 *
 * <p>Measured interleaved in one process on the Zen 4 (AVX512-BF16), all 120 projections of the
 * 135M model, best of 6-12, 2 threads, training paused: 128 rows 82 vs 96-99 ms plain, 512 rows
 * 279-288 vs 299-332 ms, 1 row 11-13 vs 19-23 ms (fbgemm FP16 6-8 ms), 8 rows 11-17 vs 23-28 ms
 * (fbgemm FP16 12-15 ms); a row's result was bitwise the same alone and among 2, 3 or 8 rows. The
 * packing is given no batch size (1 and 128 measured the same). oneDNN's BF16 kernels need a CPU
 * with native BF16 ({@link MultiTokenFormat#nativeBf16()}); elsewhere the weights stay plain.
 * Weights only: the packed tensors are opaque to everything but these ops.
 */
final class PackedBf16 {
    /**
     * {@code to_bf16_packed_more(out, ws)}: appends each weight of {@code ws} (a layer's q|k|v, o,
     * gate|up, down), packed, to out; gate|up as two weights, gate then up ({@link #gatedMlp}).
     */
    static final String PACK_METHOD =
            "  def to_bf16_packed_more(self, out: List[Tensor], ws: List[Tensor]) -> List[Tensor]:\n"
                    + "    for j in range(len(ws)):\n"
                    + "      if j % 4 == 2:\n"
                    + "        for part in torch.chunk(ws[j], 2, 0):\n"
                    + "          out.append(ops.mkldnn._reorder_linear_weight(part.to(15), None))\n"
                    + "      else:\n"
                    + "        out.append(ops.mkldnn._reorder_linear_weight(ws[j].to(15), None))\n"
                    + "    return out\n";

    /**
     * Index expression, in layer i's five packed weights (q|k|v, o, gate, up, down), of merged
     * projection j's part (part 0 = gate, 1 = up for j = 2; 0 otherwise).
     */
    static String index(int j, int part) {
        return "5 * i + " + (j < 2 ? j : j == 2 ? 2 + part : 4);
    }

    /**
     * SiLU(x Wg^T) * (x Wu^T) as two GEMMs with oneDNN post-ops (swish, then a binary mul with the
     * gate): {M, intermediate} BF16, which the down projection reads as it is. The gate's
     * activation and the product are computed on FP32 accumulators and rounded once to BF16.
     */
    static String gatedMlp(String x, String weights) {
        return "ops.mkldnn._linear_pointwise("
                + x
                + ", ops.mkldnn._linear_pointwise("
                + x
                + ", "
                + weights
                + "["
                + index(2, 0)
                + "], None, \"swish\", annotate(List[Optional[number]], []), \"\"), "
                + weights
                + "["
                + index(2, 1)
                + "], None, \"mul\")";
    }

    private PackedBf16() {}

    /**
     * {@code x} {M, K} (FP32) times packed {@code w} plus {@code bias} (BF16, or null): {M, N}
     * FP32; the GEMM's inputs and output are BF16.
     */
    static String matmul(String x, String w, String bias) {
        return "ops.mkldnn._linear_pointwise("
                + x
                + ".to(15), "
                + w
                + ", "
                + (bias == null ? "None" : bias)
                + ", \"none\", annotate(List[Optional[number]], []), \"\").float()";
    }
}
