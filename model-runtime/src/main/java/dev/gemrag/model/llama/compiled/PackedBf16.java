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
    /** {@code to_bf16_packed_more(out, ws)}: appends each weight of {@code ws}, packed, to out. */
    static final String PACK_METHOD =
            "  def to_bf16_packed_more(self, out: List[Tensor], ws: List[Tensor]) -> List[Tensor]:\n"
                    + "    for w in ws:\n"
                    + "      out.append(ops.mkldnn._reorder_linear_weight(w.to(15), None))\n"
                    + "    return out\n";

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
